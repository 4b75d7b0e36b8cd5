## La frecuencia máxima de contacto (issue 16)
frequency-title = Frecuencia de contacto
frequency-intro = Que se note que te importa, sin llegar a cansar: fija cuántos contactos como máximo hace el equipo con un cliente en un número de días, para todos los clientes o por segmento. Cuentan las llamadas, reuniones, correos (también los recordatorios de pago) y boletines; las quejas, elogios, incidencias y notas no. Un cliente contactado tan a menudo espera aparte en la lista de pendientes hasta que quepa otro contacto.
frequency-intro-short = Cuántos contactos recibe como máximo un cliente en un número de días, por segmento: el cliente contactado tan a menudo espera en la lista de pendientes.
frequency-open = Abrir la frecuencia de contacto
frequency-default = Todos los clientes
frequency-default-hint = Para los clientes cuyo segmento no tiene límite propio. Ambos en blanco: sin límite.
frequency-contacts = Como máximo (contactos)
frequency-days = En (días)
frequency-segments = Por segmento
frequency-segments-hint = Una línea por segmento: segmento = contactos / días, por ejemplo "pymes = 2 / 30".
frequency-save = Guardar la frecuencia de contacto
frequency-saved = Se guardó la frecuencia de contacto.
frequency-refused = No se guardó nada: mira los campos marcados abajo.
frequency-error-contacts = Escribe un número entero de contactos de 1 a 100, o deja ambos en blanco.
frequency-error-days = Escribe un número entero de días de 1 a 365, o deja ambos en blanco.
frequency-error-segments = Escribe un segmento por línea como "segmento = contactos / días": contactos de 1 a 100, días de 1 a 365, como máximo 100 segmentos.
frequency-error-stale = Alguien guardó estos ajustes desde que abriste la página: recárgala y vuelve a intentarlo.
frequency-held-title = En espera: ya contactados bastante
frequency-held-intro = Toca contactarlos, pero ya se les contactó tantas veces como permite su segmento.
frequency-held-row = {$client}: {$contacts ->
    [one] 1 contacto
   *[other] {$contacts} contactos
} en {$days} días, como máximo {$limit}; en espera hasta el {$date}
frequency-client-held = En espera hasta el {$date}: {$contacts ->
    [one] 1 contacto
   *[other] {$contacts} contactos
} en los últimos {$days} días, como máximo {$limit}.

## Avisos de exclusividad de una importación de clientes (issue 16)
import-exclusivity-title = Clientes nuevos dentro de una exclusividad
import-exclusivity-intro = Estos clientes nuevos entran en la exclusividad de otro cliente. Un archivo no se puede confirmar fila a fila, así que se importan igualmente: revisa cada uno con quien tiene la exclusividad.
import-exclusivity-row = Línea {$line}: {$client} entra en la exclusividad de {$holders}
import-exclusivity-more = … y {$count ->
    [one] 1 más
   *[other] {$count} más
}.

## Editar una entrada del registro de trabajo en la ficha del cliente (issue 16)
work-edit = Editar
work-edit-submit = Guardar los cambios
notice-work-changed = Entrada del registro de trabajo cambiada.

## La hoja de uso de la exportación de motivos (issue 18)
reasons-export-usage-sheet = Uso
reasons-export-compared = Comparados (lo usaron en los 90 días habituales)
reasons-export-last-total = Últimos 90 días (total)
reasons-export-usual-total = 90 días habituales anteriores (total)
