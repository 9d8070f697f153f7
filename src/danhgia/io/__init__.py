"""Reading, locating and writing workbooks."""
