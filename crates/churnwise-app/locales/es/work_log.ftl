# El registro de trabajo (issue 16) y el informe final.
audit-action-work-added = Trabajo registrado
audit-action-work-changed = Entrada del registro de trabajo cambiada
audit-action-work-deleted = Entrada del registro de trabajo borrada
audit-action-import-work = Entradas del registro de trabajo importadas
audit-action-work-final-report = Informe final entregado
work-title = Registro de trabajo
work-intro = Lo que el equipo ha hecho por este cliente. Las entradas visibles para el cliente van a su informe final.
work-final-report = Informe final
work-add = Registrar trabajo
work-field-title = Qué se hizo
work-field-done-on = Día
work-field-body = Detalles
work-field-result = Cifra del resultado
work-result-hint = Un número, como 12,5
work-field-unit = Unidad
work-field-link = Enlace
work-field-who = Quién
work-who-hint = Déjalo vacío si fuiste tú.
work-field-visibility = Visible para
work-visibility-client = El cliente
work-visibility-internal = Solo interno
work-submit = Añadir al registro de trabajo
work-delete = Borrar
work-empty = Aún no hay trabajo registrado.
work-result-is = Resultado: { $result }
work-error-result = Escribe un número con 3 decimales como mucho, como 12,5.
work-error-link = Escribe un enlace completo que empiece por https:// o http://.
work-error-unit = Una unidad necesita una cifra de resultado.
work-error-visibility = Elige el cliente o interno.
notice-work-added = Trabajo registrado.
notice-work-deleted = Entrada del registro de trabajo borrada.
final-report-heading = Informe final: { $client }
final-report-intro = { $client } es cliente nuestro desde el { $since } ({ $months ->
    [one] un mes
   *[other] { $months } meses
  }), con { $plans }. Esto es lo que hemos hecho por vosotros ({ $count ->
    [one] un trabajo
   *[other] { $count } trabajos
  }).
final-report-intro-no-plans = Esto es lo que hemos hecho por { $client } ({ $count ->
    [one] un trabajo
   *[other] { $count } trabajos
  }).
final-report-work = Lo que hicimos
final-report-results = Los números alcanzados
final-report-plans = Servicios y planes
final-report-empty = No se registró trabajo visible para el cliente.
final-report-closing = Gracias por trabajar con nosotros.
final-report-running = en curso
final-report-download = Descargar
final-report-print = Imprimir
final-report-send = Enviar a los contactos del cliente
final-report-send-hint = Lo envía por correo a cada contacto con dirección y marca el punto «informe final» del caso.
final-report-download-hint = Descargarlo marca el punto «informe final» del caso abierto.
final-report-language = Idioma
final-report-show = Mostrar
final-report-no-mailer = El correo no está configurado en este servidor (ver los ajustes SMTP); descarga el informe.
final-report-no-contacts = El cliente no tiene ningún contacto con correo.
final-report-no-case = Para enviarlo hace falta un caso de baja abierto.
final-report-send-failed = El servidor de correo no aceptó el informe; no se marcó nada.
notice-final-report-sent = Informe final enviado a los contactos del cliente; el punto de la lista está hecho.
import-kind-work = Registro de trabajo (lo que el equipo hizo por cada cliente)
