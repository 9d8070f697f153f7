"""What comes in: the bytes preflight (guard), workbooks (python-calamine), locating a scoresheet
by labels, tables of people (rosters, events) and the tool's own monthly workbooks."""
