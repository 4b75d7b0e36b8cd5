## Import in the browser (/import)
nav-import = Import
import-title = Import
import-intro = Bring in your clients, their subscriptions and their invoices from spreadsheets (.csv or .xlsx). Import customers first, then subscriptions and invoices. Nothing is written until you confirm, and a file with any problem writes nothing.
import-your-clients = Import your clients
import-dashboard-empty = No data yet. The dashboard fills in once your clients, subscriptions and invoices are in.
import-kind = What the file holds
import-kind-customers = Customers (clients)
import-kind-subscriptions = Subscriptions
import-kind-invoices = Invoices
import-file = File
import-file-hint = A .csv file or an .xlsx workbook (first sheet), up to { $mb } MB. The first row names the columns.
import-upload = Upload and preview
import-formats = The columns churnwise reads are in docs/import.md; other headers (a Stripe, Holded or spreadsheet export) are matched in the next step.
import-too-large = The file is larger than { $mb } MB (setting import.max_upload_mb); nothing was kept.
import-choose-file = Choose what the file holds and a .csv or .xlsx file.
import-preview-title = Check before importing
import-file-rows = { $file }: { $rows ->
    [one] one row
   *[other] { $rows } rows
}
import-mapping-title = Columns
import-mapping-standard = The file's columns are those churnwise expects.
import-mapping-intro = Choose which column of your file feeds each field. Required fields are marked. The choice is saved for the next file with the same headers.
import-column = Field
import-header = Column in your file
import-not-mapped = (not in the file)
import-required = required
import-apply-mapping = Apply these columns
import-sample-title = First rows, as they will be read
import-line = Line
import-will-create = { $new ->
    [one] One new record will be created
   *[other] { $new } new records will be created
}
import-will-update = { $updated ->
    [one] one existing record will be updated
   *[other] { $updated } existing records will be updated
}
import-start = Import all rows
import-problems-title = Problems: nothing will be written
import-problems-count = { $total ->
    [one] One problem.
   *[other] { $total } problems (the first ones are listed).
}
import-column-label = Column
import-reason = Problem
import-whole-file = the whole file
import-fix-and-retry = Correct the file and upload it again.
import-another = Import another file
import-progress-title = Importing { $file }
import-state-queued = Waiting to start…
import-state-reading = Reading and checking the file…
import-state-writing = Writing rows…
import-progress-rows = { $done } of { $total } rows
import-refresh = Refresh to see the progress
import-done-title = Imported { $file }
import-done-summary = { $rows } rows: { $created } new, { $updated } updated.
import-won-back = { $count ->
    [one] One former client is active again (a new subscription runs).
   *[other] { $count } former clients are active again (a new subscription runs).
}
import-failed-title = Nothing was imported from { $file }
import-see-clients = See your clients
import-see-dashboard = See the dashboard
import-mapping-refused = These columns could not be used:
import-reason-missing-value = a required value is missing
import-reason-missing-column = a required column is missing
import-reason-no-header = a required column is missing (the file has no header row)
import-reason-not-utf8 = is not valid UTF-8 text
import-reason-repeated-column = the column appears more than once
import-reason-file-type = the file must be a .csv or .xlsx file
import-reason-not-date = { $value } is not a date written as YYYY-MM-DD
import-reason-negative = { $value } is negative
import-reason-not-positive = { $value } is not greater than zero
import-reason-unknown-customer = { $value } is not a known customer (import customers first)
import-reason-duplicate = the same value already appears on line { $line }
import-reason-overlap = the segment overlaps the one on line { $line } of the same subscription
import-reason-end-before-start = the end { $end } is not after the start { $start }
import-reason-not-number = { $value } is not a number
import-reason-decimal-separator = { $value } is not a number with "." as the decimal separator
import-reason-decimals = { $value } has more than 2 decimals
import-reason-too-large = { $value } is too large
audit-action-import-contacts = Contacts imported
audit-action-import-interactions = Interactions imported
import-kind-contacts = Contacts (people at each client)
import-kind-interactions = Interactions (calls, meetings, emails…)
import-reason-not-email = { $value } is not an email address
import-reason-not-yes-no = { $value } is not yes or no
