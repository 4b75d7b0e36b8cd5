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
