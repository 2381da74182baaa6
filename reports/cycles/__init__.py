"""A plan's reporting years: opening a cycle and its reports (`opening`), and which agencies a year expects and what
each of them holds (`organisation`). Opening is always an action (a reviewer, a command, the nightly job on its
date): pages only read."""
