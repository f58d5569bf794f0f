-- Every check rewrites its server's row (last check, boot id), nearly always leaving the indexed columns as they
-- were. Such an update can stay on its page without new index entries (a HOT update) only if the page has room: a
-- page filled to 100 % (the default) sends each version to another page and writes every index anew. The room left
-- on each page makes a fleet's regular sweep cheaper in WAL and keeps the indexes from bloating between vacuums.
-- Applies to the pages written from now on.
alter table restart_state set (fillfactor = 70);
