# Usage (issue 18): the usage health signal and its setting.
signal-usage-down = {$metric} down {$pct} %: {$before} → {$now} in {$window} days
signal-usage-up = {$metric} up {$pct} %: {$before} → {$now} in {$window} days
signal-usage-down-from-usual = {$metric} down {$pct} % from its usual level: {$before} → {$now} in {$window} days
signal-usage-up-from-usual = {$metric} up {$pct} % from its usual level: {$before} → {$now} in {$window} days
signal-usage-silent = no {$metric} in {$days ->
    [one] 1 day
   *[other] {$days} days
}
signal-usage-steady = usage steady
signal-usage-no-data = no usage data
settings-weight-usage = Usage fading

# Client page: usage per metric (issue 18).
usage-title = Usage
usage-hint = Weekly totals over the last year, from the usage your product sends. Dotted lines mark a departure case opened or a complaint.
usage-last-28 = Last 28 days: {$now} (28 days before: {$before})
usage-change = { $pct ->
    [0] no change
   *[other] {$signed} %
}
usage-week-of = Week of
usage-none-this-year = No use of any metric in the last year.
usage-never-used = Never used in the last year:
usage-mark-case = Case opened
usage-mark-complaint = Complaint
usage-context-title = What the client uses
usage-context-chart = Its usage week by week
clients-usage = Usage, 28 days
clients-usage-last-28 = {$count} in 28 days
settings-usage-drop-pct = Usage drop that counts (%)
settings-usage-silent-days = Days without any use that count
audit-action-import-usage = Imported usage
audit-action-usage-metric-changed = Changed a usage metric
