# Client status that follows the data (issue #12).
status-paused = Paused
status-automatic = Automatic (follows the subscriptions)
status-set-by-hand = Set by hand
status-set-by-hand-hint = This status was set by hand and stays until you return it to automatic.
status-automatic-hint = The status follows the subscriptions and departure cases.
status-change = Status
status-save = Save status
notice-status-saved = Status saved.
due-show-former = Include former clients
due-hide-former = Leave out former clients
dashboard-status-reconcile = Customers today, as the metrics count them (a paying subscription runs): { $customers } = { $active } active + { $leaving } leaving (still served until their last day) + { $other } with a status set by hand. Active clients on a free plan only, not customers: { $free }.
status-new-client-hint = Automatic follows the subscriptions: a new client is a prospect until one is recorded. Any other choice is set by hand.
