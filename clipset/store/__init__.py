"""The database: its connection, models, migrations, the data dir's layout and paging."""
