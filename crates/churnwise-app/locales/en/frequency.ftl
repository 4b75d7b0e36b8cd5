## The maximum contact frequency (issue 16)
frequency-title = Contact frequency
frequency-intro = Care, but don't be a bore: set the most contacts the team makes with a client in a stretch of days, for every client or by segment. Calls, meetings, emails (payment reminders included) and newsletters count; complaints, praise, incidents and notes do not. A client contacted that often waits apart on the due list until another contact fits.
frequency-intro-short = The most contacts a client gets in a stretch of days, by segment: a client contacted that often waits on the due list.
frequency-open = Open the contact frequency
frequency-default = Every client
frequency-default-hint = Used for clients whose segment has no limit of its own. Both blank: no limit.
frequency-contacts = At most (contacts)
frequency-days = In (days)
frequency-segments = By segment
frequency-segments-hint = One line per segment: segment = contacts / days, such as "smb = 2 / 30".
frequency-save = Save the contact frequency
frequency-saved = The contact frequency was saved.
frequency-refused = Nothing was saved: see the fields marked below.
frequency-error-contacts = Write a whole number of contacts from 1 to 100, or leave both blank.
frequency-error-days = Write a whole number of days from 1 to 365, or leave both blank.
frequency-error-segments = Write one segment per line as "segment = contacts / days": contacts from 1 to 100, days from 1 to 365, at most 100 segments.
frequency-error-stale = Someone saved these settings since you opened the page: reload it and try again.
frequency-held-title = Held back: contacted enough
frequency-held-intro = Due for a contact, but already contacted as often as their segment allows.
frequency-held-row = {$client}: {$contacts ->
    [one] 1 contact
   *[other] {$contacts} contacts
} in {$days} days, at most {$limit} allowed; held back until {$date}
frequency-client-held = Held back until {$date}: {$contacts ->
    [one] 1 contact
   *[other] {$contacts} contacts
} in the last {$days} days, at most {$limit} allowed.

## Exclusivity warnings of a customers import (issue 16)
import-exclusivity-title = New clients inside an exclusivity
import-exclusivity-intro = These new clients fall inside another client's exclusivity. A file cannot be confirmed row by row, so they are imported all the same: check each one with its holder.
import-exclusivity-row = Line {$line}: {$client} falls inside the exclusivity of {$holders}
import-exclusivity-more = … and {$count ->
    [one] 1 more
   *[other] {$count} more
}.

## Editing a work-log entry on the client page (issue 16)
work-edit = Edit
work-edit-submit = Save the changes
notice-work-changed = Work-log entry changed.

## The usage sheet of the reasons export (issue 18)
reasons-export-usage-sheet = Usage
reasons-export-compared = Compared (used in the usual 90 days)
reasons-export-last-total = Last 90 days (total)
reasons-export-usual-total = Usual 90 days before (total)
