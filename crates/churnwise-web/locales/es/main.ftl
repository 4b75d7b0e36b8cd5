# churnwise: la interfaz en español. Cada clave debe existir también en en/main.ftl.

## Estructura
skip-to-content = Ir al contenido
nav-label = Principal
nav-dashboard = Panel
nav-clients = Clientes
nav-settings = Ajustes
workspace-switch = Espacio de trabajo
workspace-switch-button = Cambiar
workspace-current = Espacio de trabajo actual
sign-out = Cerrar sesión
language = Idioma
footer-tagline = la pérdida de clientes, de principio a fin
cancel = Cancelar
save = Guardar
actions = Acciones
month = Mes

## Errores
error-title = Error { $status }
error-forbidden = No tiene permiso para hacer esto, o el formulario ha caducado. Vuelva atrás, recargue la página e inténtelo de nuevo.
error-not-found = Aquí no hay nada. Puede que se haya eliminado o que pertenezca a otro espacio de trabajo.
error-bad-request = No se ha podido entender la petición.
error-internal = Algo ha fallado por nuestra parte. Ha quedado registrado; inténtelo de nuevo.
error-home = Volver al inicio

## Formularios
form-has-errors = Algunos campos necesitan su atención.
form-required = Rellene este campo.
form-too-long = Es demasiado largo.
form-taken = Este valor ya está en uso.
form-days-range = Indique un número de días entre 1 y 3650.
form-email = Indique un correo electrónico válido.
form-date = Indique una fecha válida (AAAA-MM-DD).
form-amount = Indique un importe como 49.90.
form-invalid = Este valor no es válido.
form-password-short = Use al menos 10 caracteres.
form-password-mismatch = Las dos contraseñas no coinciden.

## Campos
field-email = Correo electrónico
field-password = Contraseña
field-password-again = Repita la contraseña
field-workspace = Nombre del espacio de trabajo
field-name = Nombre
field-status = Estado
field-owner = Responsable
field-segment = Segmento
field-keep-in-touch = Contactar cada
field-keep-in-touch-hint = Días entre contactos antes de que el cliente aparezca como pendiente.
field-external-id = Id. de facturación
field-external-id-hint = El id. del cliente en su sistema de facturación, si lo tiene.
field-notes = Notas
field-kind = Tipo
field-date = Fecha
field-note = Nota
field-role = Cargo
field-phone = Teléfono
field-subscription = Suscripción
field-plan = Plan
field-mrr = MRR
field-started = Inicio
field-ended = Fin
field-notice = Preaviso
field-minimum-term = Permanencia mínima
field-invoice = Factura
field-amount = Importe
field-issued = Emitida
field-due = Vence
field-paid = Pagada
field-created = Creado

## Valores
status-prospect = Potencial
status-active = Activo
status-leaving = De salida
status-former = Antiguo
kind-call = Llamada
kind-meeting = Reunión
kind-email = Correo
kind-newsletter = Boletín
kind-complaint = Queja
kind-incident = Incidencia
kind-praise = Elogio
kind-note = Nota
role-owner = Propietario
role-manager = Gestor
role-member = Miembro
role-viewer = Lector
days = { $count ->
    [one] 1 día
   *[other] { $count } días
}
months = { $count ->
    [one] 1 mes
   *[other] { $count } meses
}

## Acceso y primer arranque
login-title = Iniciar sesión
login-wrong = El correo o la contraseña no son correctos.
login-submit = Entrar
setup-title = Bienvenido a churnwise
setup-intro = Cree la primera cuenta. Será la propietaria de un nuevo espacio de trabajo, donde vivirán sus clientes.
setup-workspace-hint = Su negocio o agencia, por ejemplo «Agencia Acme».
setup-password-hint = Al menos 10 caracteres.
setup-submit = Crear cuenta y espacio de trabajo

## Panel
dashboard-title = Panel
dashboard-summary = Resumen
chart-needs-js = El gráfico necesita JavaScript; sus cifras están en la tabla de abajo.
chart-no-data = Aún no hay datos para estos meses.
chart-show-table = Ver las cifras
download-csv = Descargar CSV

## Clientes
clients-title = Clientes
clients-new = Nuevo cliente
clients-filters = Buscar clientes
clients-search = Buscar por nombre
clients-sort = Ordenar por
clients-apply = Aplicar
clients-clear = Quitar filtros
clients-create = Crear cliente
clients-count = { $count ->
    [one] 1 cliente
   *[other] { $count } clientes
}
clients-none = Todavía no hay clientes. Añada el primero o impórtelos con la orden churnwise.
clients-none-match = Ningún cliente cumple estos filtros.
filter-any = Cualquiera
sort-name = Nombre (A–Z)
sort--name = Nombre (Z–A)
sort-created = Más antiguos primero
sort--created = Más recientes primero
sort-owner = Responsable
sort-status = Estado
pagination = Páginas
page-prev = ← Anterior
page-next = Siguiente →
page-of = Página { $page } de { $pages }

## Un cliente
notice-client-created = Se ha creado el cliente.
notice-contact-logged = Se ha registrado el contacto.
notice-contact-added = Se ha añadido la persona de contacto.
client-mrr = MRR
client-mrr-now = MRR hoy
client-mrr-history = Evolución del MRR
client-last-contact = Último contacto
client-never = nunca
client-contact-due = Toca contactar
client-timeline = Interacciones
client-log-contact = Registrar un contacto
client-log-submit = Registrar contacto
client-no-interactions = Aún no hay interacciones registradas.
client-contacts = Contactos
client-no-contacts = Aún no hay personas de contacto.
contact-primary = Contacto principal
contact-add = Añadir una persona de contacto
contact-add-submit = Añadir persona de contacto
client-cases = Casos de baja
client-subscriptions = Suscripciones
client-no-subscriptions = No hay suscripciones registradas.
subscription-running = en curso
client-invoices = Facturas
client-no-invoices = No hay facturas registradas.
client-overdue-total = Vencido: { $amount }
invoice-overdue = { $days ->
    [one] Vencida hace 1 día
   *[other] Vencida hace { $days } días
}
invoice-open = Aún no vence

## Ajustes
settings-title = Ajustes
settings-language-label = Idioma de la interfaz
settings-language-hint = Se guarda con su cuenta si ha iniciado sesión (páginas y resúmenes por correo); si no, en este navegador. Sin elección, churnwise sigue el idioma de su navegador.
settings-members = Usuarios y funciones
settings-members-hint = Propietarios y gestores administran usuarios y ajustes; los miembros modifican registros; los lectores solo consultan. Añada usuarios con «churnwise user add».
settings-tokens = Tokens de la API
settings-tokens-hint = Un token permite que un programa use la API en su nombre, en este espacio de trabajo. Solo se guarda un resumen (hash).
settings-token-name = Nombre del token
settings-token-create = Crear token
settings-token-created = Token «{ $name }» creado. Cópielo ahora: no se volverá a mostrar.
settings-token-copy = Su nuevo token
settings-token-revoke = Revocar
settings-token-revoke-named = Revocar el token { $name }
settings-no-tokens = No tiene tokens de la API en este espacio de trabajo.

## Cifras del panel
dashboard-range = Cifras de { $from } a { $to }, a día de hoy. Cada mes compara su primer día con el primer día del mes siguiente.
dashboard-registry = Clientes por estado
range-label = Meses mostrados
range-from = Desde
range-to = Hasta
range-show = Mostrar
range-refused = Elija un mes inicial anterior al final y como mucho a 60 meses. Se muestran los últimos doce meses.
metric-churn-rate = Tasa de bajas
metric-benchmark = Referencia
metric-above-benchmark = Por encima de la referencia del { $benchmark }
metric-within-benchmark = Dentro de la referencia del { $benchmark }
metric-mrr = MRR
metric-mrr-actual = MRR (real)
metric-net-new-mrr = MRR neto nuevo
metric-new-mrr = Nuevo
metric-expansion-mrr = Expansión
metric-reactivation-mrr = Reactivación
metric-contraction-mrr = Contracción
metric-churned-mrr = Bajas
metric-customers = Clientes
metric-customers-start = Clientes al inicio
metric-churned-customers = Bajas
metric-customers-moves = { $new } nuevos, { $churned } bajas
metric-arpa = ARPA (ingreso medio por cuenta)
metric-nonpayment-rate = Tasa de impago
metric-invoices-due = Facturas vencidas
metric-amount-due = Importe vencido
metric-amount-unpaid = Impagado
metric-median-lifetime = Vida media (mediana) de un cliente
metric-median-not-reached = Aún no alcanzada
metric-survival = Sigue siendo cliente
metric-after = Tras
metric-cohort = Cohorte
metric-forecast = Previsión
metric-forecast-low = Previsión pesimista
metric-forecast-band = Banda de previsión
metric-forecast-range = Banda
metric-forecast-alert = { $month } se salió de la banda de previsión.
metric-forecast-alert-mrr-below = El MRR quedó por debajo de lo previsto ({ $low } – { $high }).
metric-forecast-alert-mrr-above = El MRR superó lo previsto ({ $low } – { $high }).
metric-forecast-alert-customers-below = Los clientes quedaron por debajo de lo previsto ({ $low } – { $high }).
metric-forecast-alert-customers-above = Los clientes superaron lo previsto ({ $low } – { $high }).
chart-churn-title = Tasa mensual de bajas frente a la referencia
chart-churn-description = Clientes perdidos en el mes sobre los clientes al inicio; la línea discontinua es la referencia del { $benchmark }.
chart-movements-title = Movimientos del MRR
chart-arpa-description = MRR al final del mes dividido entre los clientes al final del mes.
chart-nonpayment-description = Parte del importe vencido en el mes que sigue sin pagar 30 días después del vencimiento.
chart-forecast-title = Previsión del MRR
chart-forecast-description = Los próximos meses, con un límite pesimista y otro optimista.
chart-survival-title = Supervivencia de clientes
chart-survival-description = Parte de los clientes que sigue con usted pasado un tiempo (Kaplan–Meier sobre { $subjects } clientes, de los que { $events } se fueron).
chart-cohorts-title = Retención por cohortes
chart-cohorts-description = Parte de los clientes nuevos de cada mes que sigue activa 1, 2, 3… meses después.

## Casos de baja en la página del cliente
case-opened = Aviso recibido
case-kind = Tipo
case-stage = Etapa
case-outcome = Resultado
case-requested-end = Fin solicitado
case-lost-mrr = MRR perdido
case-checklist = Lista de salida
case-checklist-progress = { $done } de { $total } hechas
case-stages = Etapas del caso
case-open-now = Caso abierto
case-work-hint = Trabaje el caso con la API (/api/v1/cases) o la orden «churnwise case»; sus páginas llegarán aquí a continuación.
case-kind-client_leaving = El cliente se va
case-kind-team_ending = Lo terminamos nosotros
case-stage-notice = Aviso
case-stage-exit_conversation = Conversación de salida
case-stage-retention = Intento de retención
case-stage-offboarding = Salida ordenada
case-stage-feedback = Opinión
case-stage-closed = Cerrado
case-outcome-lost = Perdido
case-outcome-saved = Retenido
case-outcome-fired = Terminado por nosotros
case-outcome-open = En curso
client-no-cases = Ningún caso de baja: buena noticia.
case-open = Abrir un caso de baja
case-open-submit = Abrir el caso
case-channel = Canal
case-received-by = Recibido por
case-first-evaluation = Primera valoración de la relación
case-q-fruitful = ¿Fue una relación fructífera?
case-q-history_of_stumbles = ¿Hubo un historial de tropiezos?
case-q-our_commitments_met = ¿Cumplimos nuestros compromisos?
case-q-client_commitments_met = ¿Cumplió el cliente los suyos?
channel-email = Correo
channel-phone = Teléfono
channel-meeting = Reunión
channel-letter = Carta
channel-chat = Chat
channel-other = Otro
yes = Sí
no = No
notice-case-opened = Se ha abierto el caso de baja.
error-conflict = Este cambio no es posible en el estado actual del registro. Recargue la página para verlo.
