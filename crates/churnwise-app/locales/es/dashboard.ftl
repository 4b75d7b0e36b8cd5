# The dashboard's "as of" day, its empty states and the customers card (#13).
dashboard-as-of = A fecha de
dashboard-as-of-hint = Cifras tal como estaban ese día.
dashboard-as-of-error = Escriba el día como AAAA-MM-DD (por ejemplo 2024-06-30). Se muestran las cifras de hoy.
dashboard-as-of-note = Cifras a { $day }.
dashboard-empty-title = Aún no hay nada que mostrar
dashboard-empty-next = Importe sus clientes y suscripciones desde una hoja de cálculo o dé de alta un primer cliente a mano; el panel se completa en cuanto un cliente paga.
dashboard-add-client = Dar de alta un cliente
dashboard-survival-empty = Ningún cliente ha pagado todavía, así que no hay curva de permanencia que dibujar.
dashboard-chart-empty = Aún no hay nada que dibujar para estos meses: importe sus clientes o dé de alta uno.
dashboard-customers-title = Clientes · { $month }
dashboard-customers-moves = { $start } al inicio + { $new } nuevos + { $reactivated } reactivados − { $churned } bajas = { $end }
# The client list's figures.
clients-health-score = Salud
clients-mrr = MRR hoy
