# churnwise: the interface in English. Every key here must exist in es/main.ftl.

## Layout
skip-to-content = Skip to content
nav-label = Main
nav-dashboard = Dashboard
nav-clients = Clients
nav-cases = Cases
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
error-busy = The database is busy with another change (an import, perhaps). Nothing was saved; please try again in a few seconds.
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
invitation-locked = Too many failed sign-ins for this account. Try again in a few minutes.
login-locked = Too many failed sign-ins. Try again in { $minutes ->
    [one] one minute
   *[other] { $minutes } minutes
}.
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
download-xlsx = Download Excel (.xlsx)
total = Total
metric-departures = Departures
metric-lost-mrr = Lost MRR
chart-reasons-title = Departures by reason
chart-reasons-description = Clients lost or let go each month (by their last day), by the primary reason of the exit conversation; the line is the MRR they took.
chart-reasons-none = No departure closed with a last day in these months.

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
clients-none = No clients yet. Add the first one, or import your clients from a spreadsheet.
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
settings-members-hint = Owners and managers manage users and settings; members change records; viewers only read. Only an owner can make someone an owner.
settings-tokens = API tokens
settings-tokens-hint = A token lets a script use the API as you, in this workspace. Only a hash of it is stored.
settings-token-name = Token name
settings-token-create = Create token
settings-token-created = Token "{ $name }" created. Copy it now: it will not be shown again.
settings-token-copy = Your new token
settings-token-revoke = Revoke
settings-token-revoke-named = Revoke token { $name }
settings-no-tokens = You have no API token in this workspace.
settings-reasons = Departure reasons
settings-reasons-hint = The reasons offered in a case's exit conversation, and the columns of the reasons matrix. A reason is never deleted: a retired reason stays readable on past cases but is no longer offered.
settings-reason-scope-client_leaving = When a client leaves
settings-reason-scope-team_ending = When we end it
settings-reason-scope-both = Either way
settings-reason-quality = About the quality of our work
settings-reason-retired = Retired
settings-reason-rename = Rename
settings-reason-save = Save labels
settings-reason-retire = Retire
settings-reason-restore = Restore
settings-reason-retire-named = Retire the reason { $name }
settings-reason-restore-named = Restore the reason { $name }
settings-reason-add = Add a reason
settings-reason-add-submit = Add reason
settings-reason-key = Key
settings-reason-key-hint = It never changes and names the reason in exports and the API: lower-case letters, digits and _, for example moved_in_house.
settings-reason-label-en = Label in English
settings-reason-label-es = Label in Spanish
settings-reason-applies-to = Offered
settings-reason-quality-check = It is about the quality of our work (then no testimonial is asked for)
form-reason-key = Use lower-case letters, digits and _, starting with a letter (at most 48 characters).
notice-reasons-saved = The reason list was saved.
settings-templates = Offboarding checklists
settings-templates-hint = A case's checklist is made from the checklist of the client's service type, else from the default one (without a service type). Changing a checklist here does not change cases already in offboarding.
settings-template-name = Name
settings-template-service-type = Service type
settings-template-service-type-hint = Empty for the default checklist.
settings-template-default = default
settings-template-items = Items
settings-template-items-hint = Empty both labels of an item to remove it; fill in an empty row to add one.
settings-template-item = Item { $n }
settings-template-item-en = In English
settings-template-item-es = In Spanish
settings-template-item-required = Required to close the case
settings-template-save = Save checklist
settings-template-delete = Delete checklist
settings-template-delete-named = Delete the checklist { $name }
settings-template-add = Add a checklist for a service type
settings-template-add-submit = Add checklist
form-template-items = Give the checklist at least one item, with both labels.
form-template-default-taken = There is already a default checklist: give this one a service type.
notice-templates-saved = The checklists were saved.

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
chart-survival-description = Share of customers still with you after a time (Kaplan–Meier over { $subjects ->
    [one] 1 customer
   *[other] { $subjects } customers
}, { $events ->
    [0] none of whom left
    [one] 1 of whom left
   *[other] { $events } of whom left
}).
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

## Departure case pages
cases-title = Departure cases
cases-lead = Every client that is leaving or has left, stage by stage.
cases-filters = Find cases
cases-count = { $count ->
    [one] 1 case
   *[other] { $count } cases
}
cases-none = No departure case yet. Open one from a client's page when a notice comes.
cases-none-match = No case matches these filters.
field-client = Client
form-amount-hint = An amount such as 49.90.
case-title = Departure of { $client }
case-saved = Saved. The change is in the case's history.
case-stale = Someone changed this case after you opened the page, so your change was not saved. The page now shows the case as it is; check it and send your change again.
case-won-back = Won back
case-client-page = Client page
case-work-on = Work on this case
case-see = See the case
case-primary-reason = Primary reason
case-secondary-reasons = Secondary reasons
case-minimum-term-ends = Minimum term ends
case-penalties = Penalties
case-penalty-amount = Penalty amount
case-amend-notice = Correct the notice
case-amend-notice-submit = Save the notice
case-held-on = Held on
case-controllable = Within our control
case-renegotiable = Renegotiable
case-departments = Departments involved
case-processes = Processes involved
case-roles = Front-line roles involved
case-list-hint = Separate several with commas.
case-not-recorded = Not recorded.
case-exit-record = Record the exit conversation
case-exit-edit = Correct the exit conversation
case-clients-words = The client's own words
case-choose-reason = Choose a reason
case-q-controllable = Was it within our control?
case-q-renegotiable = Is anything renegotiable?
case-exit-submit = Save the conversation
case-retention-intro = Optional and cautious: a plan of actions for both sides, perhaps an offer, and an outcome.
case-retention-not-for-kind = No retention attempt: we are the ones ending this relationship.
case-playbook = Suggested for “{ $reason }”
case-playbook-offer = Offer
case-warning-discount_only = The only lever of this plan is a discount. Lowering the price to keep a client costs money and reputation: add an action that fixes the reason itself.
case-retention-actions = Action plan
case-action = Action
case-side = Whose
case-side-ours = Ours
case-side-client = The client's
case-action-status-of = Status of “{ $action }”
case-action-open = Open
case-action-done = Done
case-action-dropped = Dropped
case-no-actions = No action yet.
case-action-add = Add an action
case-action-add-submit = Add the action
case-offer = Offer
case-no-offer = No offer
case-offer-kind = Kind of offer
case-offer-description = What exactly is offered
case-offer-submit = Save the offer
case-retention-outcome = Outcome
case-retention-retained = Retained: the client stays
case-retention-leaving = Leaving: offboarding follows
case-retention-outcome-hint = Retained closes the case as saved; its open actions stay on the due list until kept.
case-retention-outcome-submit = Record the outcome
case-retention-no-outcome = No outcome yet.
case-retention-suggested = Start from the suggested playbook
case-retention-start = Start a retention attempt
case-retention-none = No retention attempt.
offer-pause = Pause the service
offer-right_size = Right-size the scope or plan
offer-extra_service_or_training = Extra service or training
offer-free_period = A free period
offer-senior_call = A call with a senior person
offer-discount = A discount
case-item-open = Open
case-item-done = Done
case-item-waived = Waived
case-item-required = Required
case-item-done-on = done on { $date }
case-item-waived-because = Waived: { $reason }
case-handover-line = { $account } handed over to { $recipient } through { $channel } on { $date }
case-item-link = Link
case-item-mark-done = Mark done
case-item-mark-done-named = Mark “{ $item }” done
case-item-waive = Waive…
case-waive-reason = Reason for waiving
case-item-waive-submit = Waive the item
case-item-reopen = Reopen
case-item-reopen-named = Reopen “{ $item }”
case-item-details = Link and note…
case-item-add = Add an item
case-item-label = What is to be done
case-item-required-check = Required before closing
case-item-add-submit = Add the item
case-handover = Record a credential handover
case-handover-hint = Record which account went to whom, how and when. Never type a password here: secrets travel only through the safe channel.
case-handover-account = Account
case-handover-recipient = Handed over to
case-handover-channel = Through
case-handover-default-channel = password manager
case-handover-submit = Record the handover
case-invoices = Unpaid invoices
case-invoice-waived = Waived
case-invoice-unpaid = Unpaid
case-invoice-waive = Waive an unpaid invoice…
case-invoice-waive-submit = Waive the invoice
case-no-unpaid = No unpaid invoice.
case-offboarding-intro = Offboarding makes a checklist from a template: end date, invoices, deliverables, final report, credentials, administrators, the client's confirmation, your access revoked.
case-template = Checklist template
case-template-items = { $count ->
    [one] 1 item
   *[other] { $count } items
}
case-offboarding-begin = Begin offboarding
case-offboarding-later = Offboarding begins after the exit conversation (and after a retention attempt that ends with the client leaving).
case-survey-link = Private survey link
case-copy = Copy the link
case-copied = Copied
case-survey-link-once = Send it to the client now: churnwise keeps only a fingerprint of it, so it will not be shown again. A new link replaces this one.
case-survey-issued = Sent
case-survey-expires = Link valid until
case-survey-testimonial-asked = Testimonial asked for
case-survey-answers = Answers
case-survey-score = Satisfaction
case-survey-better = What we could have done better
case-survey-recommend = Would recommend us
case-survey-contact-later = May we contact them later
case-survey-testimonial = Testimonial (consent given)
case-survey-answered = Answered on
case-survey-waiting = Not answered yet.
case-survey-scale = Score scale
case-scale-zero_to_ten = 0 to 10
case-scale-one_to_five = 1 to 5
case-survey-days = Days the link stays valid
case-survey-issue = Make the survey link
case-survey-reissue = Make a new link
case-survey-later = The exit survey is sent during offboarding.
case-closed-on = Closed on
case-end-on = The client's last day
case-end-on-hint = Blank: the requested end date.
case-lost-mrr-hint = Blank: the MRR running on the last day ({ $amount }).
case-lost-mrr-hint-none = Blank: the MRR running on the last day.
case-close-blockers = Still stopping the case from closing
case-close-ready = Nothing stops the case from closing.
case-close-submit = Close the case
case-close-later = A case closes after offboarding, or as saved when a retention attempt keeps the client.
case-lessons = Lessons and win-back
case-corrective-actions = Corrective actions
case-no-lessons = No corrective action yet.
case-lesson-add = Add a corrective action
case-lesson-what = What we will correct
case-lesson-add-submit = Add the action
case-win-back = Win-back
case-follow-up = Follow-up date
case-follow-up-hint = When to tell the former client what was corrected and invite them back. Blank clears it.
case-follow-up-submit = Save the follow-up date
case-won-back-on = Business reopened on
case-won-back-hint = The client is active again; the metrics count a reactivation.
case-won-back-submit = Mark won back
case-win-back-later = Win-back comes once the case is closed as lost or ended by us.
case-history = History
case-guard-cannot-close = The case cannot close yet:
case-guard-item-open = Required item “{ $item }” is still open.
case-guard-invoice-unpaid = Invoice { $invoice } is unpaid and not waived.
case-guard-reason-unknown = This reason is not in the workspace's list.
case-guard-reason-retired = This reason is retired; choose another one.
case-guard-reason-kind = This reason does not apply to this kind of departure.
case-guard-secondary-repeats = A secondary reason repeats the primary one.
case-guard-secondary-twice = A secondary reason is listed twice.
case-guard-waiver-reason = Waiving needs a reason.
case-guard-outcome-mismatch = A client who leaves closes as lost; a relationship we end closes as ended by us.
case-guard-wrong-stage = This step is not possible while the case is at “{ $stage }”; it is possible at: { $allowed }.
case-guard-unknown-item = There is no item { $id } in this case.
case-guard-no-survey = No survey was sent for this case.
case-guard-survey-answered = The survey was already answered; a new link is not needed.
case-guard-survey-expired = The survey link has expired.
case-guard-retention-kind = A retention attempt is only for a client who is leaving, not for a relationship we end.
case-guard-retention-undecided = Record the outcome of the retention attempt first: offboarding follows only when the client is leaving.
case-guard-retention-decided = The retention attempt already ended: { $outcome }.
case-guard-saved-never-left = A saved client never left, so it cannot be won back.
case-guard-already-won-back = The client was already won back.

## The public exit survey
survey-from = A survey from { $business }
survey-title = How did we do?
survey-intro = Thank you for working with us. A few questions, two minutes at most: your answers help us improve.
survey-fix = Please check these answers:
survey-score = How satisfied were you with our work overall?
survey-low = Not at all
survey-high = Completely
survey-better = What could we have done better?
survey-recommend = Would you recommend us?
survey-contact = You may contact me later
survey-testimonial = Would you write a few words about working with us?
survey-testimonial-note = Optional. We publish it only if you tick the box below.
survey-consent = I agree that you publish this testimonial
survey-send = Send
survey-thanks-title = Thank you!
survey-thanks = Your answers were recorded. We read every one of them.
survey-unknown-title = Link not found
survey-unknown = This survey link does not exist or was replaced by a newer one. Please use the latest link you received.
survey-expired-title = This link has expired
survey-expired = The survey can no longer be answered through this link. If you still want to tell us something, just reply to our email.
survey-answered-title = Already answered
survey-answered = This survey was already answered. Thank you!
survey-error-score = Choose a score on the scale.
survey-error-too-long = This answer is too long.
survey-error-testimonial = The testimonial could not be taken: it may be too long.
survey-error-consent = To publish your testimonial we need your consent: tick the box, or leave the testimonial empty.
survey-error-other = Something in the answers is not right.

## Users and roles
members-add = Invite someone
members-add-submit = Invite
members-invite-hint = The person gets a link to accept (by email when the server can send mail; copy it from here in any case). They join the workspace only once they accept, with an account of their own: an existing account keeps its password, a new person chooses one.
members-already-member = This person is already a member of the workspace.
members-not-manager = Only owners and managers manage users.
members-owner-only = Only an owner can make someone an owner or change an owner's role.
members-last-owner = The workspace needs at least one owner: make someone else an owner first.
members-change-role = Change
members-role-of = Role of { $email }
notice-invitation-revoked = The invitation was revoked; its link no longer works.
invitation-made = Invitation ready for { $email }. They join once they accept it.
invitation-emailed = The link was also sent by email.
invitation-email-failed = The email could not be sent; give the link to the person yourself.
invitation-link = Invitation link
invitation-link-hint = Share it only with the person invited: whoever holds it can accept. It works for 14 days and stops working once used or revoked.
invitations-pending = Pending invitations
invitations-invited-by = Invited by
invitations-expires = Valid until
invitations-expired = Expired
invitations-revoke = Revoke
invitations-revoke-of = Revoke the invitation of { $email }
invitation-title = Join { $workspace }
invitation-intro = { $email } is invited to the workspace { $workspace } as { $role }.
invitation-invited-by = Invited by { $inviter }.
invitation-expires = The invitation is valid until { $date }.
invitation-accept = Accept the invitation
invitation-have-account = I already have a churnwise account
invitation-signin-accept = Sign in and accept
invitation-new-account = I am new to churnwise
invitation-create-accept = Create my account and accept
invitation-signed-in-other = You are signed in as { $current }, but this invitation is for { $email }. Sign in with that account's password below, or sign out first.
invitation-account-exists = This email already has an account: sign in with its password above to accept.
invitation-other-account = This invitation is for another account.
invitation-gone-title = Invitation not valid
invitation-gone = This invitation link is not valid any more: it expired, was revoked or was already used. Ask the person who invited you for a new one.
invitations-title = Invitations
invitations-intro = You are invited to these workspaces. Accept to join; nothing changes until you do.
invitations-item = { $workspace }, as { $role }
invitations-accept-of = Accept the invitation to { $workspace }
invitations-decline = Decline
invitations-decline-of = Decline the invitation to { $workspace }
invitations-none = No invitations are waiting for you.
invitations-later = Later: go to the dashboard
invitation-email-subject = Invitation to { $workspace } on churnwise
invitation-email-body = { $inviter } invites you to the workspace { $workspace } on churnwise, as { $role }.

    Open this link to accept (with your churnwise account, or by creating one):
    { $link }

    The link is valid until { $expires }. If you did not expect this invitation, ignore this email: nothing happens until you accept.
notice-role-changed = The role was changed.
