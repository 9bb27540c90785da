-- PostgreSQL's 0003 gives legacy ids the C collation (bytewise). SQLite's
-- TEXT already compares bytewise (BINARY): nothing to change. The version
-- exists so that both engines count versions alike.
SELECT 1;
