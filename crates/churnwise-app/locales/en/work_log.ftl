# The work log (issue 16) and the final report.
audit-action-work-added = Logged work
audit-action-work-changed = Changed a work-log entry
audit-action-work-deleted = Deleted a work-log entry
audit-action-import-work = Imported work-log entries
audit-action-work-final-report = Delivered a final report
work-title = Work log
work-intro = What the team did for this client. Entries visible to the client go into its final report.
work-final-report = Final report
work-add = Log work
work-field-title = What was done
work-field-done-on = Day
work-field-body = Details
work-field-result = Result figure
work-result-hint = A number, such as 12.5
work-field-unit = Unit
work-field-link = Link
work-field-who = Who
work-who-hint = Leave empty for yourself.
work-field-visibility = Visible to
work-visibility-client = The client
work-visibility-internal = Internal only
work-submit = Add to the work log
work-delete = Delete
work-empty = No work logged yet.
work-result-is = Result: { $result }
work-error-result = Enter a number with at most 3 decimals, such as 12.5.
work-error-link = Enter a full link starting with https:// or http://.
work-error-unit = A unit needs a result figure.
work-error-visibility = Choose the client or internal.
notice-work-added = Work logged.
notice-work-deleted = Work-log entry deleted.
final-report-heading = Final report: { $client }
final-report-intro = { $client } has been our client since { $since } ({ $months ->
    [one] one month
   *[other] { $months } months
  }), with { $plans }. Here is what we did for you ({ $count ->
    [one] one piece of work
   *[other] { $count } pieces of work
  }).
final-report-intro-no-plans = Here is what we did for { $client } ({ $count ->
    [one] one piece of work
   *[other] { $count } pieces of work
  }).
final-report-work = What we did
final-report-results = The numbers achieved
final-report-plans = Services and plans
final-report-empty = No work visible to the client was logged.
final-report-closing = Thank you for working with us.
final-report-running = running
final-report-download = Download
final-report-print = Print
final-report-send = Send to the client's contacts
final-report-send-hint = Sends it by email to every contact with an address and ticks the case's final report item.
final-report-download-hint = Downloading it ticks the open case's final report item.
final-report-language = Language
final-report-show = Show
final-report-no-mailer = Email is not set up on this server (see the SMTP settings); download the report instead.
final-report-no-contacts = The client has no contact with an email address.
final-report-no-case = Sending needs an open departure case.
final-report-send-failed = The mail server did not accept the report; nothing was ticked.
notice-final-report-sent = Final report sent to the client's contacts; the checklist item is done.
import-kind-work = Work log (what the team did for each client)
