// Purchases: what the account is entitled to, and the QR hand-off: the web app shows a
// code, the phone app buys the product in its store for this account, and the grant
// arrives here as entitlement.changed.
import { useEffect, useState } from 'preact/hooks';
import { call, describe, get, type Entitlement, type Features } from './api';
import type { Hub } from './home';

interface Code { code: string; url: string; expires_at: string; product: string }

export function Purchases({ features, hub }: { features: Features; hub: Hub }) {
  const [items, setItems] = useState<Entitlement[]>([]);
  const [code, setCode] = useState<Code | null>(null);
  const [news, setNews] = useState('');
  const [error, setError] = useState('');

  const load = () => get<{ items: Entitlement[] }>('/v1/entitlements').then((r) => setItems(r.items),
                                                                           (e) => setError(describe(e)));
  useEffect(() => {
    load();
    return hub.on((e) => {
      if (e.type !== 'entitlement.changed') return;
      setNews('Your purchase has arrived.');
      setCode(null);
      load();
    });
  }, [hub]);

  async function handOff(product: string) {
    setError('');
    setNews('');
    try {
      const a = await call<Omit<Code, 'product'>>('POST', '/v1/purchases/qr', { product_id: product });
      setCode({ ...a.body, product });
    } catch (e) {
      setError(describe(e));
    }
  }

  return (
    <>
      <h2 class="sr-only">Purchases</h2>
      {news && <p class="card news" role="status">{news}</p>}
      <section class="card" aria-labelledby="owned">
        <h3 id="owned">Yours</h3>
        {items.length === 0 ? <p class="empty">Nothing bought yet.</p> : (
          <ul>
            {items.map((i) => (
              <li>{i.entitlement} <span class="meta">({i.product_id}, {i.platform}
                {i.expires_at && `, until ${new Date(i.expires_at).toLocaleDateString()}`})</span></li>
            ))}
          </ul>
        )}
      </section>
      {features.purchases.qr_handoff && (
        <section class="card" aria-labelledby="buy">
          <h3 id="buy">Buy on your phone</h3>
          <ul class="products">
            {features.purchases.products.map((p) => (
              <li><button type="button" onClick={() => handOff(p.id)}>{p.entitlement} ({p.kind})</button></li>
            ))}
          </ul>
          {code && (
            <figure class="qr">
              <img src={`/v1/purchases/qr/${encodeURIComponent(code.code)}.svg`} width={220} height={220}
                   alt={`QR code for buying ${code.product} on your phone`} />
              <figcaption>Scan with the MindMe app on your phone. It works until
                {' '}{new Date(code.expires_at).toLocaleTimeString()}. <a href={code.url}>Open on this device</a></figcaption>
            </figure>
          )}
        </section>
      )}
      {error && <p class="error" role="alert">{error}</p>}
    </>
  );
}
