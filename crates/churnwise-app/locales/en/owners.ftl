## Owners are users (issue 12): owner names found in the data mapped to members.

settings-overdue-days-for-full = Days the oldest invoice is overdue for the full weight
