# Alerta temprana: salud del cliente, alertas, pendientes, resúmenes.
filter-at-risk = Solo en riesgo

## La salud del cliente y sus señales
health-score-value = puntuación {$score}
signal-points = {$phrase} (−{$points})
signal-contact = {$days} días desde el último contacto (cada {$interval} días)
signal-overdue-invoices = {$count ->
    [one] 1 factura vencida
   *[other] {$count} facturas vencidas
} ({$amount})
signal-complaints = {$complaints ->
    [one] 1 queja
   *[other] {$complaints} quejas
} y {$incidents ->
    [one] 1 incidencia
   *[other] {$incidents} incidencias
} en {$days} días
signal-contraction = MRR baja un {$pct} % ({$before} → {$now})
signal-survey = última encuesta: {$score} de {$max}
signal-survey-none = ninguna encuesta respondida
signal-contract-end = el contrato termina el {$date}
signal-renewal = renovación el {$date}
signal-renewal-none = ningún fin ni renovación cercanos
signal-warning-signs = señales de alerta: {$flags}
signal-warning-signs-none = ninguna señal de alerta
flag-wants-services-not-offered = pide servicios que no ofrecemos
flag-does-not-value-expertise = no valora nuestra experiencia
flag-yes-to-everything = le decimos que sí a todo
flag-treats-team-badly = trata mal al equipo

## Pendientes
due-contact = Contactar con {$client}: pendiente desde el {$date} ({$days ->
    [0] hoy
    [one] 1 día de retraso
   *[other] {$days} días de retraso
})
due-retention-promise = {$client}: compromiso de retención «{$what}», vence el {$date}
due-corrective-action = {$client}: acción correctiva «{$what}», vence el {$date}
due-win-back = {$client}: contarle lo que hemos corregido e invitarle a volver (vence el {$date})

## El resumen diario por correo
digest-subject = {$workspace}: {$due ->
    [one] 1 pendiente
   *[other] {$due} pendientes
}, {$alerts ->
    [one] 1 alerta nueva
   *[other] {$alerts} alertas nuevas
}
digest-intro = Buenos días. Este es tu resumen de churnwise para {$workspace} del {$date}.
digest-alerts-heading = Clientes en riesgo (alertas nuevas):
digest-due-heading = Pendiente hoy:
digest-footer = Recibes este resumen porque eres miembro del espacio de trabajo. Tu idioma y los ajustes del resumen están en Ajustes de churnwise.
