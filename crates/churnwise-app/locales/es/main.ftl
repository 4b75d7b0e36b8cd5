# churnwise: la interfaz en español. Cada clave debe existir también en en/main.ftl.

## Estructura
skip-to-content = Ir al contenido
nav-label = Principal
nav-dashboard = Panel
nav-clients = Clientes
nav-cases = Casos
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
error-busy = La base de datos está ocupada con otro cambio (quizá una importación). No se ha guardado nada; inténtelo de nuevo dentro de unos segundos.
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
status-former = Antiguo cliente
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
invitation-locked = Demasiados intentos fallidos para esta cuenta. Vuelve a intentarlo dentro de unos minutos.
login-locked = Demasiados intentos fallidos. Vuelve a intentarlo dentro de { $minutes ->
    [one] un minuto
   *[other] { $minutes } minutos
}.
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
download-xlsx = Descargar Excel (.xlsx)
total = Total
metric-departures = Bajas
metric-lost-mrr = MRR perdido
chart-reasons-title = Bajas por motivo
chart-reasons-description = Clientes perdidos o despedidos cada mes (según su último día), por el motivo principal de la conversación de salida; la línea es el MRR que se llevaron.
chart-reasons-none = Ningún caso de baja cerrado con último día en estos meses.

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
clients-none = Todavía no hay clientes. Añada el primero o importe sus clientes desde una hoja de cálculo.
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
settings-members-hint = Propietarios y gestores administran usuarios y ajustes; los miembros modifican registros; los lectores solo consultan. Solo un propietario puede nombrar a otro propietario.
settings-tokens = Tokens de la API
settings-tokens-hint = Un token permite que un programa use la API en su nombre, en este espacio de trabajo. Solo se guarda un resumen (hash).
settings-token-name = Nombre del token
settings-token-create = Crear token
settings-token-created = Token «{ $name }» creado. Cópielo ahora: no se volverá a mostrar.
settings-token-copy = Su nuevo token
settings-token-revoke = Revocar
settings-token-revoke-named = Revocar el token { $name }
settings-no-tokens = No tiene tokens de la API en este espacio de trabajo.
settings-reasons = Motivos de baja
settings-reasons-hint = Los motivos que se ofrecen en la conversación de salida de un caso y las columnas de la matriz de motivos. Un motivo nunca se borra: un motivo retirado sigue legible en los casos pasados, pero ya no se ofrece.
settings-reason-scope-client_leaving = Cuando un cliente se va
settings-reason-scope-team_ending = Cuando lo terminamos nosotros
settings-reason-scope-both = En ambos casos
settings-reason-quality = Sobre la calidad de nuestro trabajo
settings-reason-retired = Retirado
settings-reason-rename = Cambiar el nombre
settings-reason-save = Guardar etiquetas
settings-reason-retire = Retirar
settings-reason-restore = Restablecer
settings-reason-retire-named = Retirar el motivo { $name }
settings-reason-restore-named = Restablecer el motivo { $name }
settings-reason-add = Añadir un motivo
settings-reason-add-submit = Añadir motivo
settings-reason-key = Clave
settings-reason-key-hint = No cambia nunca y nombra el motivo en las exportaciones y la API: minúsculas sin acentos, cifras y _, por ejemplo moved_in_house.
settings-reason-label-en = Etiqueta en inglés
settings-reason-label-es = Etiqueta en español
settings-reason-applies-to = Se ofrece
settings-reason-quality-check = Trata de la calidad de nuestro trabajo (entonces no se pide un testimonio)
form-reason-key = Use minúsculas sin acentos, cifras y _, empezando por una letra (48 caracteres como máximo).
notice-reasons-saved = Se ha guardado la lista de motivos.
settings-templates = Listas de salida ordenada
settings-templates-hint = La lista de un caso se crea a partir de la lista del tipo de servicio del cliente o, si no la hay, de la lista por defecto (sin tipo de servicio). Cambiar una lista aquí no cambia los casos que ya están en salida ordenada.
settings-template-name = Nombre
settings-template-service-type = Tipo de servicio
settings-template-service-type-hint = Vacío para la lista por defecto.
settings-template-default = por defecto
settings-template-items = Tareas
settings-template-items-hint = Vacíe las dos etiquetas de una tarea para quitarla; rellene una fila vacía para añadir una.
settings-template-item = Tarea { $n }
settings-template-item-en = En inglés
settings-template-item-es = En español
settings-template-item-required = Obligatoria para cerrar el caso
settings-template-save = Guardar lista
settings-template-delete = Eliminar lista
settings-template-delete-named = Eliminar la lista { $name }
settings-template-add = Añadir una lista para un tipo de servicio
settings-template-add-submit = Añadir lista
form-template-items = Dé a la lista al menos una tarea, con sus dos etiquetas.
form-template-default-taken = Ya existe una lista por defecto: indique un tipo de servicio para esta.
notice-templates-saved = Se han guardado las listas.

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
chart-survival-description = Parte de los clientes que sigue con usted pasado un tiempo (Kaplan–Meier sobre { $subjects ->
    [one] 1 cliente
   *[other] { $subjects } clientes
}, { $events ->
    [0] de los que ninguno se fue
    [one] de los que 1 se fue
   *[other] de los que { $events } se fueron
}).
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

## Páginas de los casos de baja
cases-title = Casos de baja
cases-lead = Cada cliente que se va o se fue, etapa por etapa.
cases-filters = Buscar casos
cases-count = { $count ->
    [one] 1 caso
   *[other] { $count } casos
}
cases-none = Todavía no hay casos de baja. Abra uno desde la página del cliente cuando llegue un aviso.
cases-none-match = Ningún caso cumple estos filtros.
field-client = Cliente
form-amount-hint = Un importe como 49,90.
case-title = Baja de { $client }
case-saved = Guardado. El cambio consta en el historial del caso.
case-stale = Alguien cambió este caso después de que abriera la página, así que su cambio no se guardó. La página muestra ahora el caso tal como está; revíselo y envíe su cambio de nuevo.
case-won-back = Recuperado
case-client-page = Página del cliente
case-work-on = Trabajar en este caso
case-see = Ver el caso
case-primary-reason = Motivo principal
case-secondary-reasons = Motivos secundarios
case-minimum-term-ends = Fin de la permanencia mínima
case-penalties = Penalizaciones
case-penalty-amount = Importe de la penalización
case-amend-notice = Corregir el aviso
case-amend-notice-submit = Guardar el aviso
case-held-on = Fecha
case-controllable = Dependía de nosotros
case-renegotiable = Renegociable
case-departments = Departamentos implicados
case-processes = Procesos implicados
case-roles = Puestos de primera línea implicados
case-list-hint = Separe varios con comas.
case-not-recorded = Sin registrar.
case-exit-record = Registrar la conversación de salida
case-exit-edit = Corregir la conversación de salida
case-clients-words = Las palabras del cliente
case-choose-reason = Elija un motivo
case-q-controllable = ¿Dependía de nosotros?
case-q-renegotiable = ¿Hay algo renegociable?
case-exit-submit = Guardar la conversación
case-retention-intro = Opcional y con prudencia: un plan de acciones de ambas partes, quizá una oferta, y un resultado.
case-retention-not-for-kind = Sin intento de retención: somos nosotros quienes terminamos esta relación.
case-playbook = Sugerido para «{ $reason }»
case-playbook-offer = Oferta
case-warning-discount_only = La única palanca de este plan es un descuento. Bajar el precio para retener a un cliente cuesta dinero y reputación: añada una acción que resuelva el motivo en sí.
case-retention-actions = Plan de acción
case-action = Acción
case-side = De quién
case-side-ours = Nuestra
case-side-client = Del cliente
case-action-status-of = Estado de «{ $action }»
case-action-open = Abierta
case-action-done = Hecha
case-action-dropped = Descartada
case-no-actions = Todavía no hay acciones.
case-action-add = Añadir una acción
case-action-add-submit = Añadir la acción
case-offer = Oferta
case-no-offer = Sin oferta
case-offer-kind = Tipo de oferta
case-offer-description = Qué se ofrece exactamente
case-offer-submit = Guardar la oferta
case-retention-outcome = Resultado
case-retention-retained = Retenido: el cliente se queda
case-retention-leaving = Se va: sigue la salida ordenada
case-retention-outcome-hint = Retenido cierra el caso como retenido; sus acciones abiertas siguen en la lista de pendientes hasta cumplirse.
case-retention-outcome-submit = Registrar el resultado
case-retention-no-outcome = Todavía sin resultado.
case-retention-suggested = Partir del plan sugerido
case-retention-start = Empezar un intento de retención
case-retention-none = Sin intento de retención.
offer-pause = Pausar el servicio
offer-right_size = Ajustar el alcance o el plan
offer-extra_service_or_training = Servicio extra o formación
offer-free_period = Un periodo gratuito
offer-senior_call = Una llamada con alguien de alto nivel
offer-discount = Un descuento
case-item-open = Pendiente
case-item-done = Hecho
case-item-waived = Dispensado
case-item-required = Obligatorio
case-item-done-on = hecho el { $date }
case-item-waived-because = Dispensado: { $reason }
case-handover-line = { $account } entregada a { $recipient } mediante { $channel } el { $date }
case-item-link = Enlace
case-item-mark-done = Marcar como hecho
case-item-mark-done-named = Marcar «{ $item }» como hecho
case-item-waive = Dispensar…
case-waive-reason = Motivo de la dispensa
case-item-waive-submit = Dispensar el punto
case-item-reopen = Reabrir
case-item-reopen-named = Reabrir «{ $item }»
case-item-details = Enlace y nota…
case-item-add = Añadir un punto
case-item-label = Qué hay que hacer
case-item-required-check = Obligatorio antes de cerrar
case-item-add-submit = Añadir el punto
case-handover = Registrar una entrega de credenciales
case-handover-hint = Registre qué cuenta se entregó, a quién, cómo y cuándo. Nunca escriba aquí una contraseña: los secretos viajan solo por el canal seguro.
case-handover-account = Cuenta
case-handover-recipient = Entregada a
case-handover-channel = Mediante
case-handover-default-channel = gestor de contraseñas
case-handover-submit = Registrar la entrega
case-invoices = Facturas impagadas
case-invoice-waived = Dispensada
case-invoice-unpaid = Impagada
case-invoice-waive = Dispensar una factura impagada…
case-invoice-waive-submit = Dispensar la factura
case-no-unpaid = Ninguna factura impagada.
case-offboarding-intro = La salida ordenada crea una lista a partir de una plantilla: fecha de fin, facturas, entregables, informe final, credenciales, administradores, la confirmación del cliente, sus accesos revocados.
case-template = Plantilla de la lista
case-template-items = { $count ->
    [one] 1 punto
   *[other] { $count } puntos
}
case-offboarding-begin = Empezar la salida ordenada
case-offboarding-later = La salida ordenada empieza tras la conversación de salida (y tras un intento de retención que acaba con el cliente yéndose).
case-survey-link = Enlace privado de la encuesta
case-copy = Copiar el enlace
case-copied = Copiado
case-survey-link-once = Envíelo al cliente ahora: churnwise guarda solo una huella, así que no se volverá a mostrar. Un enlace nuevo sustituye a este.
case-survey-issued = Enviada
case-survey-expires = Enlace válido hasta
case-survey-testimonial-asked = Se pidió un testimonio
case-survey-answers = Respuestas
case-survey-score = Satisfacción
case-survey-better = Qué podríamos haber hecho mejor
case-survey-recommend = Nos recomendaría
case-survey-contact-later = Podemos contactarle más adelante
case-survey-testimonial = Testimonio (con permiso)
case-survey-answered = Respondida el
case-survey-waiting = Todavía sin respuesta.
case-survey-scale = Escala de puntuación
case-scale-zero_to_ten = De 0 a 10
case-scale-one_to_five = De 1 a 5
case-survey-days = Días de validez del enlace
case-survey-issue = Crear el enlace de la encuesta
case-survey-reissue = Crear un enlace nuevo
case-survey-later = La encuesta de salida se envía durante la salida ordenada.
case-closed-on = Cerrado el
case-end-on = Último día del cliente
case-end-on-hint = En blanco: la fecha de fin solicitada.
case-lost-mrr-hint = En blanco: el MRR vigente el último día ({ $amount }).
case-lost-mrr-hint-none = En blanco: el MRR vigente el último día.
case-close-blockers = Lo que aún impide cerrar el caso
case-close-ready = Nada impide cerrar el caso.
case-close-submit = Cerrar el caso
case-close-later = Un caso se cierra tras la salida ordenada, o como retenido cuando un intento de retención mantiene al cliente.
case-lessons = Lecciones y recuperación
case-corrective-actions = Acciones correctivas
case-no-lessons = Todavía no hay acciones correctivas.
case-lesson-add = Añadir una acción correctiva
case-lesson-what = Qué vamos a corregir
case-lesson-add-submit = Añadir la acción
case-win-back = Recuperación
case-follow-up = Fecha de seguimiento
case-follow-up-hint = Cuándo contar al antiguo cliente qué se corrigió e invitarle a volver. En blanco la quita.
case-follow-up-submit = Guardar la fecha de seguimiento
case-won-back-on = Relación reanudada el
case-won-back-hint = El cliente vuelve a estar activo; las métricas cuentan una reactivación.
case-won-back-submit = Marcar como recuperado
case-win-back-later = La recuperación llega cuando el caso se cierra como perdido o terminado por nosotros.
case-history = Historial
case-guard-cannot-close = El caso todavía no puede cerrarse:
case-guard-item-open = El punto obligatorio «{ $item }» sigue pendiente.
case-guard-invoice-unpaid = La factura { $invoice } está impagada y no dispensada.
case-guard-reason-unknown = Este motivo no está en la lista del espacio de trabajo.
case-guard-reason-retired = Este motivo está retirado; elija otro.
case-guard-reason-kind = Este motivo no corresponde a este tipo de baja.
case-guard-secondary-repeats = Un motivo secundario repite el principal.
case-guard-secondary-twice = Un motivo secundario aparece dos veces.
case-guard-waiver-reason = Dispensar necesita un motivo.
case-guard-outcome-mismatch = Un cliente que se va se cierra como perdido; una relación que terminamos nosotros, como terminada por nosotros.
case-guard-wrong-stage = Este paso no es posible mientras el caso está en «{ $stage }»; es posible en: { $allowed }.
case-guard-unknown-item = No hay ningún punto { $id } en este caso.
case-guard-no-survey = No se envió ninguna encuesta para este caso.
case-guard-survey-answered = La encuesta ya se respondió; no hace falta un enlace nuevo.
case-guard-survey-expired = El enlace de la encuesta ha caducado.
case-guard-retention-kind = Un intento de retención es solo para un cliente que se va, no para una relación que terminamos nosotros.
case-guard-retention-undecided = Registre primero el resultado del intento de retención: la salida ordenada sigue solo cuando el cliente se va.
case-guard-retention-decided = El intento de retención ya terminó: { $outcome }.
case-guard-saved-never-left = Un cliente retenido nunca se fue, así que no puede recuperarse.
case-guard-already-won-back = El cliente ya se recuperó.

## La encuesta pública de salida
survey-from = Una encuesta de { $business }
survey-title = ¿Qué tal lo hicimos?
survey-intro = Gracias por trabajar con nosotros. Unas preguntas, dos minutos como mucho: sus respuestas nos ayudan a mejorar.
survey-fix = Revise estas respuestas:
survey-score = En general, ¿cuán satisfecho quedó con nuestro trabajo?
survey-low = Nada
survey-high = Totalmente
survey-better = ¿Qué podríamos haber hecho mejor?
survey-recommend = ¿Nos recomendaría?
survey-contact = Pueden contactarme más adelante
survey-testimonial = ¿Escribiría unas palabras sobre su experiencia con nosotros?
survey-testimonial-note = Opcional. Solo lo publicamos si marca la casilla de abajo.
survey-consent = Acepto que publiquen este testimonio
survey-send = Enviar
survey-thanks-title = ¡Gracias!
survey-thanks = Sus respuestas quedaron registradas. Las leemos todas.
survey-unknown-title = Enlace no encontrado
survey-unknown = Este enlace de encuesta no existe o fue reemplazado por uno más reciente. Use el último enlace que recibió.
survey-expired-title = Este enlace ha caducado
survey-expired = La encuesta ya no puede responderse con este enlace. Si aún quiere decirnos algo, responda a nuestro correo.
survey-answered-title = Ya respondida
survey-answered = Esta encuesta ya fue respondida. ¡Gracias!
survey-error-score = Elija una puntuación de la escala.
survey-error-too-long = Esta respuesta es demasiado larga.
survey-error-testimonial = No pudimos recoger el testimonio: quizá es demasiado largo.
survey-error-consent = Para publicar su testimonio necesitamos su permiso: marque la casilla o deje el testimonio vacío.
survey-error-other = Algo en las respuestas no está bien.

## Usuarios y roles
members-add = Invitar a alguien
members-add-submit = Invitar
members-invite-hint = La persona recibe un enlace para aceptar (por correo cuando el servidor puede enviarlo; cópielo de aquí en cualquier caso). Solo entra en el espacio de trabajo cuando acepta, con una cuenta propia: una cuenta existente conserva su contraseña y una persona nueva elige la suya.
members-already-member = Esta persona ya es miembro del espacio de trabajo.
members-not-manager = Solo los propietarios y los responsables gestionan los usuarios.
members-owner-only = Solo un propietario puede nombrar propietario a alguien o cambiar el rol de un propietario.
members-last-owner = El espacio de trabajo necesita al menos un propietario: nombre primero a otra persona.
members-change-role = Cambiar
members-role-of = Rol de { $email }
notice-invitation-revoked = Se ha revocado la invitación; su enlace ya no funciona.
invitation-made = Invitación lista para { $email }. Entrará cuando la acepte.
invitation-emailed = El enlace también se ha enviado por correo.
invitation-email-failed = No se ha podido enviar el correo; entregue usted el enlace a la persona.
invitation-link = Enlace de invitación
invitation-link-hint = Compártalo solo con la persona invitada: quien lo tenga puede aceptar. Vale 14 días y deja de funcionar al usarse o revocarse.
invitations-pending = Invitaciones pendientes
invitations-invited-by = Invitada por
invitations-expires = Válida hasta
invitations-expired = Caducada
invitations-revoke = Revocar
invitations-revoke-of = Revocar la invitación de { $email }
invitation-title = Únase a { $workspace }
invitation-intro = { $email } está invitado al espacio de trabajo { $workspace } como { $role }.
invitation-invited-by = Invitación de { $inviter }.
invitation-expires = La invitación es válida hasta el { $date }.
invitation-accept = Aceptar la invitación
invitation-have-account = Ya tengo una cuenta de churnwise
invitation-signin-accept = Iniciar sesión y aceptar
invitation-new-account = Soy nuevo en churnwise
invitation-create-accept = Crear mi cuenta y aceptar
invitation-signed-in-other = Ha iniciado sesión como { $current }, pero esta invitación es para { $email }. Inicie sesión abajo con la contraseña de esa cuenta, o cierre antes la sesión.
invitation-account-exists = Este correo ya tiene una cuenta: inicie sesión arriba con su contraseña para aceptar.
invitation-other-account = Esta invitación es para otra cuenta.
invitation-gone-title = Invitación no válida
invitation-gone = Este enlace de invitación ya no es válido: caducó, se revocó o ya se usó. Pida uno nuevo a quien le invitó.
invitations-title = Invitaciones
invitations-intro = Tiene invitaciones a estos espacios de trabajo. Acepte para entrar; nada cambia hasta que lo haga.
invitations-item = { $workspace }, como { $role }
invitations-accept-of = Aceptar la invitación a { $workspace }
invitations-decline = Rechazar
invitations-decline-of = Rechazar la invitación a { $workspace }
invitations-none = No tiene invitaciones pendientes.
invitations-later = Más tarde: ir al panel
invitation-email-subject = Invitación a { $workspace } en churnwise
invitation-email-body = { $inviter } le invita al espacio de trabajo { $workspace } en churnwise, como { $role }.

    Abra este enlace para aceptar (con su cuenta de churnwise o creando una):
    { $link }

    El enlace es válido hasta el { $expires }. Si no esperaba esta invitación, ignore este correo: nada ocurre hasta que acepte.
notice-role-changed = Se ha cambiado el rol.
