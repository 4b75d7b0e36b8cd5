# Estado del cliente que sigue a los datos (issue #12).
status-paused = En pausa
status-automatic = Automático (sigue a las suscripciones)
status-set-by-hand = Fijado a mano
status-set-by-hand-hint = Este estado se fijó a mano y se mantiene hasta que vuelva a automático.
status-automatic-hint = El estado sigue a las suscripciones y a los casos de salida.
status-change = Estado
status-save = Guardar estado
notice-status-saved = Estado guardado.
due-show-former = Incluir antiguos clientes
due-hide-former = Dejar fuera a los antiguos clientes
dashboard-status-reconcile = Clientes hoy, como los cuentan las métricas (con una suscripción de pago en curso): { $customers } = { $active } activos + { $leaving } de salida (atendidos hasta su último día) + { $other } con un estado fijado a mano. Clientes activos solo con un plan gratuito, que no cuentan: { $free }.
status-new-client-hint = Automático sigue a las suscripciones: un cliente nuevo es potencial hasta que se registra una. Cualquier otra opción queda fijada a mano.
