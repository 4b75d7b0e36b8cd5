# Uso de los clientes perdidos en el informe de motivos (issue 18).
reasons-usage-title = Uso de los clientes perdidos en sus últimos 90 días
reasons-usage-hint = Para cada motivo, lo que usaron los clientes perdidos por él en los 90 días hasta su último día, frente a su nivel habitual: los 90 días anteriores. «Cambio» es la mediana del cambio de cada cliente, entre los clientes que usaron la métrica en esos 90 días habituales.
reasons-usage-none = Ningún cliente perdido en estos meses tiene datos de uso en sus últimos 180 días.
reasons-usage-reason = Motivo
reasons-usage-lost = Perdidos
reasons-usage-with-data = Con datos de uso
reasons-usage-metric = Métrica
reasons-usage-used = Usada en los últimos 90 días
reasons-usage-stopped = Dejaron de usarla
reasons-usage-never = Nunca la usaron
reasons-usage-change = Cambio frente al nivel habitual (mediana)
reasons-usage-compared = { $count ->
    [one] sobre 1 cliente
   *[other] sobre { $count } clientes
}

# Archivos de uso en la importación del navegador (issue 18).
import-kind-usage = Uso (eventos por cliente y métrica)
import-usage-will-add = { $new ->
    [one] Se sumará un evento de uso a los totales diarios
   *[other] Se sumarán { $new } eventos de uso a los totales diarios
}
import-usage-done-summary = { $rows } filas: { $created } eventos sumados, { $updated } omitidos por haberse enviado antes.
