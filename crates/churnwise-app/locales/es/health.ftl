# Alerta temprana: salud del cliente, alertas, pendientes, resúmenes.
filter-at-risk = Solo en riesgo

## La salud del cliente y sus señales
health-score-value = puntuación {$score}
signal-points = {$phrase} (−{$points})
signal-contact = {$days ->
    [one] 1 día
   *[other] {$days} días
} desde el último contacto (cada {$interval ->
    [one] día
   *[other] {$interval} días
})
signal-overdue-invoices = {$count ->
    [one] 1 factura vencida
   *[other] {$count} facturas vencidas
} ({$amount})
signal-complaints = { $incidents ->
    [0] { $complaints ->
        [one] 1 queja
       *[other] { $complaints } quejas
    }
   *[other] { $complaints ->
        [0] { $incidents ->
            [one] 1 incidencia
           *[other] { $incidents } incidencias
        }
       *[other] { $complaints ->
            [one] 1 queja
           *[other] { $complaints } quejas
        } y { $incidents ->
            [one] 1 incidencia
           *[other] { $incidents } incidencias
        }
    }
} en { $days ->
    [one] 1 día
   *[other] { $days } días
}
signal-contraction = MRR baja un {$pct} % ({$before} → {$now})
signal-contraction-none = sin caída del MRR ({$before} → {$now})
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
digest-intro = Buenos días. Este es su resumen de churnwise para {$workspace} del {$date}.
digest-alerts-heading = Clientes en riesgo (alertas nuevas):
digest-due-heading = Pendiente hoy:
digest-footer = Recibe este resumen porque es miembro del espacio de trabajo. Su idioma y los ajustes del resumen están en Ajustes de churnwise.

## Páginas
nav-due = Pendientes
due-title = Pendientes y en riesgo
due-refresh = Recalcular puntuaciones
notice-scores-refreshed = Se han recalculado las puntuaciones de salud.
due-showing-mine = Mostrando el trabajo de { $name }.
due-show-all = Ver el de todos
due-showing-all = Mostrando el trabajo de todos.
due-show-mine = Ver solo el mío
alerts-title = Clientes en riesgo
alerts-none = Ningún cliente está en riesgo. Las alertas aparecen aquí cuando la puntuación de salud de un cliente baja del umbral.
alerts-capped = Se muestran las { $n } alertas más recientes. Abre la página de un cliente, o lístalas todas con GET /api/v1/alerts (paginado).
alert-status-open = Nueva
alert-status-acknowledged = Vista
alert-status-snoozed = Pospuesta
alert-status-case-opened = Caso abierto
alert-status-resolved = Resuelta
alert-raised-on = del { $date }
alert-snoozed-until = hasta el { $date }
alert-acknowledge = Marcar como vista
alert-snooze = Posponer
alert-open-case = Abrir un caso de baja
due-list-title = Lista de pendientes
due-none = No hay nada pendiente. Buen trabajo.
due-col-late = Retraso
due-col-what = Qué hacer
due-open-case = caso n.º { $id }
health-title = Salud
health-at-risk = En riesgo
health-healthy = Sano
health-signals = Señales y su peso en la puntuación
health-signal = Señal
health-points = Puntos
health-computed-on = Calculada el { $date }. Los pesos y el umbral de riesgo están en Ajustes.
health-not-scored = Aún sin puntuación: el servidor calcula la de los clientes activos y en baja cada pocos minutos, o pulse «Recalcular puntuaciones» en Pendientes.
flags-title = Señales de alerta
flags-save = Guardar señales de alerta
notice-flags-saved = Se han guardado las señales de alerta y recalculado la puntuación.

## Ajustes
settings-profile = Su perfil
settings-profile-name = Nombre visible
settings-profile-name-hint = Los clientes cuyo responsable tenga este nombre (o su correo) son suyos: sus pendientes y su resumen.
settings-profile-lang = Idioma de las páginas y los resúmenes
settings-profile-lang-browser = El de mi navegador
notice-profile-saved = Se ha guardado su perfil.
settings-workspace = Ajustes del espacio de trabajo
notice-workspace-saved = Se han guardado los ajustes del espacio de trabajo.
settings-churn-and-contact = Referencia de bajas y contacto
settings-benchmark = Referencia de tasa de bajas mensual (%)
settings-keep-in-touch = Intervalo de contacto para clientes nuevos (días)
settings-keep-in-touch-segments = Intervalo por segmento
settings-keep-in-touch-segments-hint = Una línea por segmento, como «enterprise = 14». Los clientes nuevos de ese segmento reciben ese intervalo.
settings-health-weights = Pesos de la puntuación de salud
settings-health-weights-hint = Lo máximo que cada señal puede restar de 100. Los valores por defecto suman 100; el razonamiento está en la documentación del cálculo de la salud.
settings-weight-contact = Días desde el último contacto
settings-weight-overdue-invoices = Facturas vencidas
settings-weight-complaints = Quejas e incidencias
settings-weight-contraction = Reducción del MRR
settings-weight-survey = Última encuesta
settings-weight-renewal = Fin o renovación del contrato
settings-weight-warning-signs = Señales de alerta
settings-health-thresholds = Umbrales de la puntuación de salud
settings-at-risk-below = En riesgo por debajo de
settings-overdue-invoices-for-full = Facturas vencidas para el peso completo
settings-complaints-for-full = Quejas e incidencias para el peso completo
settings-contraction-pct-for-full = Bajada del MRR (%) para el peso completo
settings-lookback-days = Ventana de observación (días)
settings-renewal-within-days = Fin o renovación del contrato en menos de (días)
settings-digest = Resumen diario por correo
settings-digest-enabled = Enviar a cada miembro un resumen diario de sus pendientes y alertas nuevas
settings-digest-hour = Enviar a partir de esta hora (UTC)
settings-digest-no-smtp = Este servidor no tiene un servidor SMTP configurado, así que no se envía ningún resumen aunque esté marcado.
settings-workspace-save = Guardar ajustes del espacio de trabajo
settings-managers-only = Solo propietarios y gestores pueden cambiar estos ajustes.
settings-range = De { $low } a { $high }
form-setting-range = Escriba un número dentro del rango indicado.
form-segment-lines = Escriba un «segmento = días» por línea, con días de 1 a 3650.
form-stale = Alguien ha guardado estos ajustes desde que abrió la página. Recárguela e inténtelo de nuevo.
alert-snooze-until = Posponer hasta
