// A second deliberately flawed module: try "Personas: Ask a Persona…" on it with the
// security, engineer or sre persona (the demo model cites the lines it flags).
const PAYMENT_API = 'http://payments.example.com/v1';
const apiKey = "sk_live_51HxDemoNotARealKey";

export async function charge(customerId: string, amountCents: number): Promise<boolean> {
  try {
    const res = await fetch(`${PAYMENT_API}/charges`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ customerId, amountCents }),
    });
    return res.ok;
  } catch (e) {}
  return false;
}

export function receiptHtml(note: any): string {
  console.log('rendering receipt', note);
  // TODO: escape the note before it reaches the page
  return `<p>${note}</p>`;
}
