## Importar en el navegador (/import)
nav-import = Importar
import-title = Importar
import-intro = Traiga sus clientes, sus suscripciones y sus facturas desde hojas de cálculo (.csv o .xlsx). Importe primero los clientes y después las suscripciones y las facturas. No se escribe nada hasta que lo confirme, y un archivo con algún problema no escribe nada.
import-your-clients = Importar sus clientes
import-dashboard-empty = Todavía no hay datos. El panel se completa cuando estén sus clientes, suscripciones y facturas.
import-kind = Qué contiene el archivo
import-kind-customers = Clientes
import-kind-subscriptions = Suscripciones
import-kind-invoices = Facturas
import-file = Archivo
import-file-hint = Un archivo .csv o un libro .xlsx (primera hoja), de hasta { $mb } MB. La primera fila nombra las columnas.
import-upload = Subir y revisar
import-formats = Las columnas que lee churnwise están en docs/import.md; otros encabezados (una exportación de Stripe, Holded o de una hoja de cálculo) se asignan en el paso siguiente.
import-too-large = El archivo supera { $mb } MB (ajuste import.max_upload_mb); no se ha guardado nada.
import-choose-file = Elija qué contiene el archivo y un archivo .csv o .xlsx.
import-preview-title = Revise antes de importar
import-file-rows = { $file }: { $rows ->
    [one] una fila
   *[other] { $rows } filas
}
import-mapping-title = Columnas
import-mapping-standard = Las columnas del archivo son las que churnwise espera.
import-mapping-intro = Elija qué columna de su archivo alimenta cada campo. Los campos obligatorios están marcados. La elección se guarda para el próximo archivo con los mismos encabezados.
import-column = Campo
import-header = Columna de su archivo
import-not-mapped = (no está en el archivo)
import-required = obligatorio
import-apply-mapping = Usar estas columnas
import-sample-title = Primeras filas, tal como se leerán
import-line = Línea
import-will-create = { $new ->
    [one] Se creará un registro nuevo
   *[other] Se crearán { $new } registros nuevos
}
import-will-update = { $updated ->
    [one] se actualizará un registro existente
   *[other] se actualizarán { $updated } registros existentes
}
import-start = Importar todas las filas
import-problems-title = Problemas: no se escribirá nada
import-problems-count = { $total ->
    [one] Un problema.
   *[other] { $total } problemas (se muestran los primeros).
}
import-column-label = Columna
import-reason = Problema
import-whole-file = el archivo entero
import-fix-and-retry = Corrija el archivo y vuelva a subirlo.
import-another = Importar otro archivo
import-progress-title = Importando { $file }
import-state-queued = Esperando para empezar…
import-state-reading = Leyendo y comprobando el archivo…
import-state-writing = Escribiendo filas…
import-progress-rows = { $done } de { $total } filas
import-refresh = Recargue para ver el avance
import-done-title = { $file } importado
import-done-summary = { $rows } filas: { $created } nuevas, { $updated } actualizadas.
import-won-back = { $count ->
    [one] Un antiguo cliente vuelve a estar activo (tiene una suscripción en curso).
   *[other] { $count } antiguos clientes vuelven a estar activos (tienen una suscripción en curso).
}
import-failed-title = No se ha importado nada de { $file }
import-see-clients = Ver sus clientes
import-see-dashboard = Ver el panel
import-mapping-refused = No se han podido usar estas columnas:
import-reason-missing-value = falta un valor obligatorio
import-reason-missing-column = falta una columna obligatoria
import-reason-no-header = falta una columna obligatoria (el archivo no tiene fila de encabezados)
import-reason-not-utf8 = no es texto UTF-8 válido
import-reason-repeated-column = la columna aparece más de una vez
import-reason-file-type = el archivo debe ser .csv o .xlsx
import-reason-not-date = { $value } no es una fecha escrita como AAAA-MM-DD
import-reason-negative = { $value } es negativo
import-reason-not-positive = { $value } no es mayor que cero
import-reason-unknown-customer = { $value } no es un cliente conocido (importe antes los clientes)
import-reason-duplicate = el mismo valor ya aparece en la línea { $line }
import-reason-overlap = el tramo se solapa con el de la línea { $line } de la misma suscripción
import-reason-end-before-start = el final { $end } no es posterior al inicio { $start }
import-reason-not-number = { $value } no es un número
import-reason-decimal-separator = { $value } no es un número con "." como separador decimal
import-reason-decimals = { $value } tiene más de 2 decimales
import-reason-too-large = { $value } es demasiado grande
audit-action-import-contacts = Contactos importados
audit-action-import-interactions = Interacciones importadas
import-kind-contacts = Contactos (personas de cada cliente)
import-kind-interactions = Interacciones (llamadas, reuniones, correos…)
import-reason-not-email = { $value } no es una dirección de correo
import-reason-not-yes-no = { $value } no es sí o no
