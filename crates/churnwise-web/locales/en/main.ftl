# churnwise: the interface in English. Every key here must exist in es/main.ftl.

## Layout
skip-to-content = Skip to content
nav-label = Main
nav-dashboard = Dashboard
nav-clients = Clients
nav-settings = Settings
workspace-switch = Workspace
workspace-switch-button = Switch
workspace-current = Current workspace
sign-out = Sign out
language = Language
footer-tagline = client churn, end to end
cancel = Cancel
save = Save
actions = Actions
month = Month

## Errors
error-title = Error { $status }
error-forbidden = You are not allowed to do this, or the form expired. Go back, reload the page and try again.
error-not-found = There is nothing here. It may have been removed, or it belongs to another workspace.
error-bad-request = The request could not be understood.
error-internal = Something went wrong on our side. It has been logged; please try again.
error-home = Back to the start

## Forms
form-has-errors = Some fields need your attention.
form-required = Please fill this in.
form-too-long = This is too long.
form-taken = This value is already in use.
form-days-range = Enter a number of days between 1 and 3650.
form-email = Enter a valid email address.
form-date = Enter a valid date (YYYY-MM-DD).
form-amount = Enter an amount such as 49.90.
form-invalid = This value is not valid.
form-password-short = Use at least 10 characters.
form-password-mismatch = The two passwords differ.

## Fields
field-email = Email
field-password = Password
field-password-again = Password again
field-workspace = Workspace name
field-name = Name
field-status = Status
field-owner = Owner
field-segment = Segment
field-keep-in-touch = Keep in touch every
field-keep-in-touch-hint = Days between contacts before the client shows as due.
field-external-id = Billing id
field-external-id-hint = The customer's id in your billing system, if any.
field-notes = Notes
field-kind = Kind
field-date = Date
field-note = Note
field-role = Role
field-phone = Phone
field-subscription = Subscription
field-plan = Plan
field-mrr = MRR
field-started = Started
field-ended = Ended
field-notice = Notice period
field-minimum-term = Minimum term
field-invoice = Invoice
field-amount = Amount
field-issued = Issued
field-due = Due
field-paid = Paid
field-created = Created

## Values
status-prospect = Prospect
status-active = Active
status-leaving = Leaving
status-former = Former
kind-call = Call
kind-meeting = Meeting
kind-email = Email
kind-newsletter = Newsletter
kind-complaint = Complaint
kind-incident = Incident
kind-praise = Praise
kind-note = Note
role-owner = Owner
role-manager = Manager
role-member = Member
role-viewer = Viewer
days = { $count ->
    [one] 1 day
   *[other] { $count } days
}
months = { $count ->
    [one] 1 month
   *[other] { $count } months
}

## Sign-in and first run
login-title = Sign in
login-wrong = The email or the password is wrong.
login-submit = Sign in
setup-title = Welcome to churnwise
setup-intro = Create the first account. It will own a new workspace, where your clients will live.
setup-workspace-hint = Your business or agency, for example "Acme Agency".
setup-password-hint = At least 10 characters.
setup-submit = Create account and workspace

## Dashboard
dashboard-title = Dashboard
dashboard-summary = Summary
chart-needs-js = The chart needs JavaScript; its numbers are in the table below.
chart-no-data = No data for these months yet.
chart-show-table = Show the numbers
download-csv = Download CSV

## Clients
clients-title = Clients
clients-new = New client
clients-filters = Find clients
clients-search = Search by name
clients-sort = Sort by
clients-apply = Apply
clients-clear = Clear filters
clients-create = Create client
clients-count = { $count ->
    [one] 1 client
   *[other] { $count } clients
}
clients-none = No clients yet. Add the first one, or import them with the churnwise command.
clients-none-match = No client matches these filters.
filter-any = Any
sort-name = Name (A–Z)
sort--name = Name (Z–A)
sort-created = Oldest first
sort--created = Newest first
sort-owner = Owner
sort-status = Status
pagination = Pages
page-prev = ← Previous
page-next = Next →
page-of = Page { $page } of { $pages }

## One client
notice-client-created = The client was created.
notice-contact-logged = The contact was logged.
notice-contact-added = The contact person was added.
client-mrr = MRR
client-mrr-now = MRR today
client-mrr-history = MRR history
client-last-contact = Last contact
client-never = never
client-contact-due = Contact due
client-timeline = Interactions
client-log-contact = Log a contact
client-log-submit = Log contact
client-no-interactions = No interaction logged yet.
client-contacts = Contacts
client-no-contacts = No contact person yet.
contact-primary = Primary contact
contact-add = Add a contact person
contact-add-submit = Add contact person
client-cases = Departure cases
client-subscriptions = Subscriptions
client-no-subscriptions = No subscription recorded.
subscription-running = running
client-invoices = Invoices
client-no-invoices = No invoice recorded.
client-overdue-total = Overdue: { $amount }
invoice-overdue = { $days ->
    [one] Overdue by 1 day
   *[other] Overdue by { $days } days
}
invoice-open = Not yet due

## Settings
settings-title = Settings
settings-language-label = Language of the interface
settings-language-hint = Kept with your account when you are signed in (pages and digest emails), else in this browser. Without a choice, churnwise follows your browser's language.
settings-members = Users and roles
settings-members-hint = Owners and managers manage users and settings; members change records; viewers only read. Add users with "churnwise user add".
settings-tokens = API tokens
settings-tokens-hint = A token lets a script use the API as you, in this workspace. Only a hash of it is stored.
settings-token-name = Token name
settings-token-create = Create token
settings-token-created = Token "{ $name }" created. Copy it now: it will not be shown again.
settings-token-copy = Your new token
settings-token-revoke = Revoke
settings-token-revoke-named = Revoke token { $name }
settings-no-tokens = You have no API token in this workspace.

## Dashboard figures
dashboard-range = Figures for { $from } to { $to }, as of today. A month compares its first day with the next month's first day.
dashboard-registry = Clients by status
range-label = Months shown
range-from = From
range-to = To
range-show = Show
range-refused = Choose a first month before the last one, at most 60 months apart. Showing the last twelve months instead.
metric-churn-rate = Churn rate
metric-benchmark = Benchmark
metric-above-benchmark = Above the { $benchmark } benchmark
metric-within-benchmark = Within the { $benchmark } benchmark
metric-mrr = MRR
metric-mrr-actual = MRR (actual)
metric-net-new-mrr = Net new MRR
metric-new-mrr = New
metric-expansion-mrr = Expansion
metric-reactivation-mrr = Reactivation
metric-contraction-mrr = Contraction
metric-churned-mrr = Churned
metric-customers = Customers
metric-customers-start = Customers at start
metric-churned-customers = Churned
metric-customers-moves = { $new } new, { $churned } churned
metric-arpa = ARPA (average revenue per account)
metric-nonpayment-rate = Non-payment rate
metric-invoices-due = Invoices due
metric-amount-due = Amount due
metric-amount-unpaid = Unpaid
metric-median-lifetime = Median customer lifetime
metric-median-not-reached = Not reached yet
metric-survival = Still a customer
metric-after = After
metric-cohort = Cohort
metric-forecast = Forecast
metric-forecast-low = Forecast, pessimistic
metric-forecast-band = Forecast band
metric-forecast-range = Band
metric-forecast-alert = { $month } left the forecast band.
metric-forecast-alert-mrr-below = MRR fell below the expected { $low } – { $high }.
metric-forecast-alert-mrr-above = MRR rose above the expected { $low } – { $high }.
metric-forecast-alert-customers-below = Customers fell below the expected { $low } – { $high }.
metric-forecast-alert-customers-above = Customers rose above the expected { $low } – { $high }.
chart-churn-title = Monthly churn rate against the benchmark
chart-churn-description = Customers lost in the month over customers at its start; the dashed line is the { $benchmark } benchmark.
chart-movements-title = MRR movements
chart-arpa-description = MRR at the month's end divided by the customers at its end.
chart-nonpayment-description = Share of the amount due in the month still unpaid 30 days after its due date.
chart-forecast-title = MRR forecast
chart-forecast-description = The months ahead, with a pessimistic and an optimistic bound.
chart-survival-title = Customer survival
chart-survival-description = Share of customers still with you after a time (Kaplan–Meier over { $subjects } customers, { $events } of whom left).
chart-cohorts-title = Cohort retention
chart-cohorts-description = Share of each month's new customers still active 1, 2, 3… months later.

## Departure cases on the client page
case-opened = Notice received
case-kind = Kind
case-stage = Stage
case-outcome = Outcome
case-requested-end = Requested end
case-lost-mrr = MRR lost
case-checklist = Offboarding checklist
case-checklist-progress = { $done } of { $total } done
case-stages = Stages of the case
case-open-now = Open case
case-work-hint = Work through the case with the API (/api/v1/cases) or the "churnwise case" command; its pages here are coming next.
case-kind-client_leaving = The client is leaving
case-kind-team_ending = We are ending it
case-stage-notice = Notice
case-stage-exit_conversation = Exit conversation
case-stage-retention = Retention attempt
case-stage-offboarding = Offboarding
case-stage-feedback = Feedback
case-stage-closed = Closed
case-outcome-lost = Lost
case-outcome-saved = Saved
case-outcome-fired = Ended by us
case-outcome-open = In progress
client-no-cases = No departure case: good news.
case-open = Open a departure case
case-open-submit = Open the case
case-channel = Channel
case-received-by = Received by
case-first-evaluation = First evaluation of the relationship
case-q-fruitful = Was the relationship fruitful?
case-q-history_of_stumbles = Was there a history of stumbles?
case-q-our_commitments_met = Did we meet our commitments?
case-q-client_commitments_met = Did the client meet theirs?
channel-email = Email
channel-phone = Phone
channel-meeting = Meeting
channel-letter = Letter
channel-chat = Chat
channel-other = Other
yes = Yes
no = No
notice-case-opened = The departure case was opened.
error-conflict = This change is not possible in the record's current state. Reload the page to see it.
