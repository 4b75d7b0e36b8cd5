# Early warning: health score, alerts, due list, digests.
filter-at-risk = At risk only
