# Señales de facturación (issue 15): bajas en Stripe y pagos fallidos.
due-billing-cancelled = {$client} canceló en Stripe el {$date}: ¿registrar el motivo?
due-billing-cancelled-ends = {$client} canceló en Stripe el {$date} (termina el {$ends}): ¿registrar el motivo?
due-billing-cancelled-ended = {$client} canceló en Stripe el {$date} (terminó el {$ends}): ¿registrar el motivo?
due-payment-failed = Falló el pago de {$client} el {$date}: factura {$invoice}, {$amount}
due-billing-dismiss = Descartar
signal-unpaid-invoices-payment-failed = {$count ->
    [one] 1 factura impagada
   *[other] {$count} facturas impagadas
} ({$amount}), pago fallido el {$date}
