//! What a workspace sets up in Stripe (spec/integrations.md §1,
//! docs/billing.md): the webhook events to enable and the permissions of
//! the restricted key, as Settings → Billing lists them.

/// The events to enable on the webhook endpoint, in Stripe's words.
pub const WEBHOOK_EVENTS: [&str; 14] = [
    "customer.created",
    "customer.updated",
    "customer.deleted",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "customer.subscription.paused",
    "customer.subscription.resumed",
    "invoice.created",
    "invoice.finalized",
    "invoice.paid",
    "invoice.payment_failed",
    "invoice.voided",
    "invoice.marked_uncollectible",
];

/// The resources the restricted key reads (permission **Read**, nothing
/// else), as Stripe's dashboard names them.
pub const KEY_READ_PERMISSIONS: [&str; 3] = ["Customers", "Subscriptions", "Invoices"];
