# Usage of lost clients on the reasons report (issue 18).
reasons-usage-title = Usage of lost clients in their last 90 days
reasons-usage-hint = For each reason, what the clients lost for it used in the 90 days up to their last day, against their usual level: the 90 days before those. "Change" is the median of each client's change, over the clients who used the metric in those usual 90 days.
reasons-usage-none = No client lost in these months has usage data in its last 180 days.
reasons-usage-reason = Reason
reasons-usage-lost = Lost
reasons-usage-with-data = With usage data
reasons-usage-metric = Metric
reasons-usage-used = Used in the last 90 days
reasons-usage-stopped = Stopped
reasons-usage-never = Never used
reasons-usage-change = Change against the usual level (median)
reasons-usage-compared = { $count ->
    [one] over 1 client
   *[other] over { $count } clients
}

# Usage files in the browser import (issue 18).
import-kind-usage = Usage (events per client and metric)
import-usage-will-add = { $new ->
    [one] One usage event will be added to the daily totals
   *[other] { $new } usage events will be added to the daily totals
}
import-usage-done-summary = { $rows } rows: { $created } events added, { $updated } skipped as sent before.
