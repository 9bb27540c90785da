DROP TABLE IF EXISTS dhmig_notifications;
