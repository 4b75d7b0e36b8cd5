# La decisión de la página de cancelación aplicada en Stripe (issue 17), en la página del caso.
case-stripe-failed-title = No aplicado en Stripe
case-stripe-failed-lead = La decisión del cliente en la página de cancelación está registrada en este caso, pero Stripe no la aceptó. Aplícala en Stripe a mano.
case-stripe-decision-cancelled = Cancelar al final del periodo
case-stripe-decision-accepted_offer = La oferta aceptada
