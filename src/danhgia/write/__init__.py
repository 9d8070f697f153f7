"""What goes out: safe (atomic) writing, templates, the tally and annual workbooks, annotated copies."""
