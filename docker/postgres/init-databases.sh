#!/usr/bin/env bash
# Creates one database per Restart Watch service on the first start of the official postgres image
# (scripts in /docker-entrypoint-initdb.d run only when the data directory is empty).
# RESTARTWATCH_DATABASES overrides the list (space-separated).
set -euo pipefail

for database in ${RESTARTWATCH_DATABASES:-check priority notification deployhook plan}; do
  echo "init-databases: creating database ${database}"
  psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER}" --dbname "${POSTGRES_DB:-postgres}" \
    -c "CREATE DATABASE \"${database}\" OWNER \"${POSTGRES_USER}\""
done
