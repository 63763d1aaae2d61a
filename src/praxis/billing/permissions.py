"""The names of the payment permissions, shared by the plugin, the pages and the API."""

VIEW_ACCOUNTS = "billing.view_accounts"
TAKE = "billing.take_payments"
REFUND = "billing.refund_payments"
CLOSE_DAY = "billing.close_day"
