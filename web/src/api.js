// The HTTP API of foedus (GET /api/v1/...), same origin as the page.

export class ApiError extends Error {
  constructor(message, body = null) {
    super(message);
    this.body = body; // the error object of the response ({status, message, errors}), if any
  }
}

export async function get(path, params = {}) {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "") continue;
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, v);
  }
  const res = await fetch(url, { headers: { Accept: "application/json" } });
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok) {
    const detail = body && (body.error?.message || body.message || body.detail || body.error);
    throw new ApiError(
      typeof detail === "string" ? detail : `${res.status} ${res.statusText}`,
      body?.error ?? null,
    );
  }
  return body;
}
