/**
 * Placeholder for the back-office (built under `routes/office/**` by its own owner). It is
 * lazy-loaded, so whatever lands here never counts against the POS bundle.
 */
export function OfficePage() {
  return (
    <main className="p-8">
      <h1 className="text-2xl font-bold">Back-office</h1>
      <p className="mt-2 text-slate-600">The back-office is being built.</p>
    </main>
  );
}

export default OfficePage;
