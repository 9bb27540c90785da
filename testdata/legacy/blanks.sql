-- Legacy users whose emails and usernames years of web forms wrapped in blanks:
-- tab and newline, no-break space, vertical tab and form feed, CR LF, zero-width
-- characters. The blanks are raw characters inside the literals, which SQLite and
-- PostgreSQL both read as they are. Row 6 collides with row 1 once trimmed.
-- Every hash is bcrypt, cost 4, of the password legacy-password.
CREATE TABLE legacy_users (id INTEGER PRIMARY KEY, email VARCHAR(320), username VARCHAR(200),
    password_hash TEXT, created_at TIMESTAMP, is_active BOOLEAN);
INSERT INTO legacy_users VALUES (1, '	Tab@Example.com
', 'tab', '$2a$04$gdlyXyOVfVXlbEBHQq1RGO2Krd6UOEvwtWu9Bz0FvCv0LTWM6gvCe', '2023-01-01 10:00:00', TRUE);
INSERT INTO legacy_users VALUES (2, ' nbsp@example.com ', 'nbsp', '$2a$04$gdlyXyOVfVXlbEBHQq1RGO2Krd6UOEvwtWu9Bz0FvCv0LTWM6gvCe', '2023-01-01 10:00:00', TRUE);
INSERT INTO legacy_users VALUES (3, 'vt@example.com', 'vt', '$2a$04$gdlyXyOVfVXlbEBHQq1RGO2Krd6UOEvwtWu9Bz0FvCv0LTWM6gvCe', '2023-01-01 10:00:00', TRUE);
INSERT INTO legacy_users VALUES (4, 'crlf@example.com', '
CR LF User
', '$2a$04$gdlyXyOVfVXlbEBHQq1RGO2Krd6UOEvwtWu9Bz0FvCv0LTWM6gvCe', '2023-01-01 10:00:00', TRUE);
INSERT INTO legacy_users VALUES (5, '﻿​zw@example.com　', ' zw ', '$2a$04$gdlyXyOVfVXlbEBHQq1RGO2Krd6UOEvwtWu9Bz0FvCv0LTWM6gvCe', '2023-01-01 10:00:00', TRUE);
INSERT INTO legacy_users VALUES (6, ' TAB@example.com ', 'tab-again', '$2a$04$gdlyXyOVfVXlbEBHQq1RGO2Krd6UOEvwtWu9Bz0FvCv0LTWM6gvCe', '2023-01-01 10:00:00', TRUE);
