# The dashboard's "as of" day, its empty states and the customers card (#13).
dashboard-as-of = As of
dashboard-as-of-hint = Figures as they stood on this day.
dashboard-as-of-error = Enter the day as YYYY-MM-DD (for example 2024-06-30). Showing today's figures instead.
dashboard-as-of-note = Figures as of { $day }.
dashboard-empty-title = Nothing to show yet
dashboard-empty-next = Import your clients and subscriptions from a spreadsheet, or add a first client by hand; the dashboard fills in as soon as a client pays.
dashboard-add-client = Add a client
dashboard-survival-empty = No customer has paid yet, so there is no survival curve to draw.
dashboard-chart-empty = Nothing to draw for these months yet: import your clients or add one.
dashboard-customers-title = Customers · { $month }
dashboard-customers-moves = { $start } at the start + { $new } new + { $reactivated } reactivated − { $churned } churned = { $end }
# The client list's figures.
clients-health-score = Health score
clients-mrr = MRR today
