# Stripe sync and webhooks (issue 15).
audit-action-stripe-connection-changed = Stripe connection changed
audit-action-stripe-synced = Synced with Stripe
