//! A multi-tenant shop. Each `Store` is a tenant; its products and orders carry
//! `store_id`. Money is `Decimal` with an explicit precision. Tax rates are
//! global: every store reads them, none writes them, and their audit trail is
//! open to all.

use tablewright::prelude::*;

/// A shop front: the tenant.
#[entity]
#[tenant]
#[timestamps]
pub struct Store {
    #[id]
    pub id: Uuid,
    #[column(max_len = 120)]
    pub name: String,
    #[unique]
    #[column(max_len = 63)]
    pub subdomain: String,
    /// ISO 4217 code of the store's currency.
    #[column(max_len = 3, check = "currency = upper(currency)")]
    #[default("EUR")]
    pub currency: String,
}

/// Something a store sells. Who created and last changed it is kept as the
/// staff member's login name (the `app.user_id` setting).
#[entity]
#[tenant_scoped]
#[soft_delete]
#[timestamps]
#[userstamps]
#[audited]
#[versioned]
#[unique(store_id, sku)]
#[check(name = "ck_products_price_positive", "price >= 0")]
pub struct Product {
    #[id]
    pub id: Uuid,
    #[column(max_len = 64)]
    pub sku: String,
    #[column(max_len = 200)]
    pub title: String,
    #[column(precision = 12, scale = 2)]
    pub price: Decimal,
    pub tags: Vec<String>,
    pub attributes: Option<Json>,
    #[default(true)]
    pub active: bool,
}

/// Where an order is in fulfilment.
#[db_enum]
pub enum OrderStatus {
    Pending,
    Paid,
    Shipped,
    Delivered,
    Refunded,
}

/// A customer's order. (`order` is a reserved word; the table is `orders`.)
#[entity]
#[tenant_scoped]
#[timestamps]
#[index(store_id, placed_at desc)]
pub struct Order {
    #[id]
    pub id: Uuid,
    #[column(max_len = 320)]
    pub customer_email: String,
    #[default(OrderStatus::Pending)]
    pub status: OrderStatus,
    pub placed_at: NaiveDateTime,
    pub ship_by: Option<NaiveDate>,
    pub pickup_slot: Option<NaiveTime>,
    #[column(precision = 12, scale = 2)]
    pub total: Decimal,
}

/// One product on an order, at the price it was sold for.
#[entity]
#[tenant_scoped]
#[unique(order_id, product_id)]
pub struct OrderLine {
    #[id(auto)]
    pub id: i64,
    #[belongs_to(Order, on_delete = cascade)]
    pub order_id: Uuid,
    #[belongs_to(Product, on_delete = restrict)]
    pub product_id: Uuid,
    #[column(check = "quantity > 0")]
    pub quantity: i32,
    #[column(precision = 12, scale = 2)]
    pub unit_price: Decimal,
    pub weight_kg: Option<f32>,
    pub gift_wrap: Option<bool>,
    pub line_no: i16,
}

/// A sales-tax rate, the same for every store: maintained by the operator,
/// read by every store; its history is visible to all of them.
#[entity]
#[global]
#[audited(readable)]
#[timestamps]
#[unique(country_code, category)]
// Changed by the operator, one rate at a time.
#[allow_lint(missing_version)]
pub struct TaxRate {
    #[id(auto)]
    pub id: i32,
    /// ISO 3166-1 alpha-2.
    #[column(max_len = 2, check = "country_code = upper(country_code)")]
    pub country_code: String,
    #[column(max_len = 40)]
    pub category: String,
    #[column(precision = 5, scale = 4, check = "rate >= 0")]
    pub rate: Decimal,
}
