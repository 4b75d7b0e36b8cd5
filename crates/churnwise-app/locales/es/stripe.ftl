# Sincronización con Stripe y webhooks (issue 15).
audit-action-stripe-connection-changed = Conexión con Stripe cambiada
audit-action-stripe-synced = Sincronizado con Stripe
