package csvout

// BOM is the UTF-8 byte-order mark. Excel on Windows reads a CSV file in
// the system's code page unless the file starts with it, which garbles
// names such as "Zoë"; most other readers skip it, but some scripts take
// it for part of the first column's name, so it is asked for, not
// written by default.
const BOM = "\ufeff"
