-- Every check and assessment rewrites its server's row, nearly always leaving the indexed columns (server id,
-- application) as they were. Such an update can stay on its page without new index entries (a HOT update) only if
-- the page has room: a page filled to 100 % (the default) sends each version to another page and writes every index
-- anew. The room left on each page makes a fleet's regular sweep cheaper in WAL and keeps the indexes from bloating
-- between vacuums. Applies to the pages written from now on.
alter table plan_server set (fillfactor = 70);
