// A deliberately imperfect example for persona reviews.

export interface OrderLine {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

export interface Order {
  id: string;
  customerEmail: string;
  lines: OrderLine[];
  discountCode?: string;
}

const DISCOUNTS: Record<string, number> = {
  WELCOME10: 0.1,
  VIP25: 0.25,
};

export function orderTotalCents(order: Order): number {
  let total = 0;
  for (const line of order.lines) {
    total += line.quantity * line.unitPriceCents;
  }
  if (order.discountCode) {
    const rate = DISCOUNTS[order.discountCode.toUpperCase()];
    total = total - total * rate;
  }
  return Math.round(total);
}

export async function placeOrder(order: Order, db: { query(sql: string): Promise<unknown> }): Promise<void> {
  await db.query(`INSERT INTO orders (id, email, total) VALUES ('${order.id}', '${order.customerEmail}', ${orderTotalCents(order)})`);
}
