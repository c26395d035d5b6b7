// The SQLite incident store.
