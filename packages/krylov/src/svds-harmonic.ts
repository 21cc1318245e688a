/**
 * Private to `svds`: the thick restart by harmonic Ritz vectors for the smallest singular values
 * (Baglama & Reichel, SIAM J. Sci. Comput. 27(1), 2005, §3.2), computed from the SVD of the
 * l×(l+1) matrix B⁺ = [Bₗ, ‖f‖eₗ] only, without Bₗ⁻¹.
 *
 * @module
 */
import { smallSvd, type SmallSvd } from "./small-svd.js";

/** The arrays of one harmonic restart (allocated once by `harmonicWorkspace`). */
export interface HarmonicWorkspace {
  /** B⁺ᵀ padded with a zero column: (l+1)×(l+1) row-major. */
  readonly padded: Float64Array;
  /** The new P̃ = P_{l+1}·pCoef: (l+1)×(p+1) row-major, leading dimension l+1. */
  readonly pCoef: Float64Array;
  /** The new Q̃ = Qₗ·qCoef: l×p row-major, leading dimension l+1. */
  readonly qCoef: Float64Array;
  /** G, (p+1)×(p+1) row-major (leading dimension l+1), and ℓ (length ≤ l). */
  readonly G: Float64Array;
  readonly ell: Float64Array;
}

export function harmonicWorkspace(l: number): HarmonicWorkspace {
  const q = (l + 1) * (l + 1);
  return { padded: new Float64Array(q), pCoef: new Float64Array(q), qCoef: new Float64Array(q), G: new Float64Array(q), ell: new Float64Array(l + 1) };
}

/**
 * Below this |yₗ₊₁| (the last entry of the unit null vector y of B⁺) the harmonic vectors are not
 * formed accurately (the relation A P̃ = Q̃ B̃ holds to ε‖B‖/|yₗ₊₁|): the caller restarts with Ritz
 * vectors instead. yₗ₊₁ ≈ σ_min(Bₗ)/(its Ritz residual), so it is small only far from convergence
 * of a singular value that is tiny relative to ‖A‖.
 */
const MIN_NULL_LAST = 1e-6;

/**
 * The coefficients of a harmonic thick restart keeping p vectors, from Aₚ = QB (l steps, B l×l
 * row-major in `B`, upper triangular) and AᵀQ = PBᵀ + f eₗᵀ with f = ‖f‖·p_{l+1}.
 *
 * With B⁺ = [B, ‖f‖eₗ] = U′Σ′V′ᵀ (AᵀQₗ = P_{l+1}B⁺ᵀ exactly) and y its unit null vector
 * (B⁺y = 0), the harmonic Ritz pairs of AᵀA are (σ′ⱼ², Pₗ(v′ⱼ − y·ℓⱼ)) with ℓⱼ = v′ⱼ[l+1]/y[l+1]
 * (the combination with no p_{l+1} part); A maps it to σ′ⱼ·Qₗu′ⱼ. The restart keeps the p
 * smallest: P̃ = P_{l+1}·[V′ₚ, y]·G with G = [Q_c, g] orthogonal, Q_c R_c = [Iₚ; −ℓᵀ] (a QR of a
 * matrix whose singular values are ≥ 1, so well conditioned whatever ℓ) and g ∝ [ℓ; 1];
 * Q̃ = Qₗ·U′ₚ. Then AᵀQ̃ = P̃·B̃ᵀ with B̃ = Σ′ₚ·G[0:p, :] (p×(p+1), its leading block Σ′ₚR_c⁻¹
 * upper triangular) and A P̃ₚ = Q̃·Σ′ₚR_c⁻¹: the bidiagonalization continues from column p.
 *
 * Writes pCoef, qCoef and B̃ (into rows 0…p−1 of `B`, the rest zeroed); returns false (nothing
 * written) when the harmonic vectors are not defined accurately (|y[l+1]| < 1e-6, or σ′ₚ = 0 to
 * working precision): restart with Ritz vectors then.
 */
export function harmonicRestart(B: Float64Array, l: number, fNorm: number, p: number, svd: SmallSvd, ws: HarmonicWorkspace): boolean {
  const L = l + 1;
  const { padded, pCoef, qCoef, G, ell } = ws;
  if (!(fNorm > 0) || p >= l) return false;
  // The SVD of [B⁺ᵀ, 0] = U_T Σ V_Tᵀ: B⁺ = V_T[0:l, :]·Σ·U_Tᵀ, so U_T holds the right vectors v′ of
  // B⁺ and V_T the left ones u′. The zero column never rotates (B⁺ᵀ has no null column to drift
  // into subnormal numbers, which would make the sweeps crawl), and the null vector y of B⁺ comes
  // out as the completion of U_T for σ = 0 (index l).
  padded.fill(0, 0, L * L);
  for (let i = 0; i < l; i++) for (let j = i; j < l; j++) padded[j * L + i] = B[i * l + j] as number;
  padded[l * L + (l - 1)] = fNorm;
  const r = smallSvd(padded, L, L, svd);
  const V = r.U, U = r.V, sigma = r.sigma;
  // Index l (σ = 0) is y; the p smallest others are l−1, l−2, …, l−p.
  const yLast = V[l * L + l] as number;
  if (!(Math.abs(yLast) >= MIN_NULL_LAST)) return false;
  if (!((sigma[l - 1] as number) > L * Number.EPSILON * (sigma[0] as number))) return false;
  for (let j = 0; j < p; j++) ell[j] = (V[l * L + (l - 1 - j)] as number) / yLast;
  // Q_c: the columns of C = [Iₚ; −ℓᵀ] orthonormalized (modified Gram–Schmidt, twice), into G[:, 0:p].
  for (let c = 0; c < p; c++) {
    for (let i = 0; i < p; i++) G[i * L + c] = i === c ? 1 : 0;
    G[p * L + c] = -(ell[c] as number);
    for (let pass = 0; pass < 2; pass++) {
      for (let d = 0; d < c; d++) {
        let h = 0;
        for (let i = 0; i <= p; i++) h += (G[i * L + d] as number) * (G[i * L + c] as number);
        for (let i = 0; i <= p; i++) G[i * L + c] = (G[i * L + c] as number) - h * (G[i * L + d] as number);
      }
    }
    let s = 0;
    for (let i = 0; i <= p; i++) s += (G[i * L + c] as number) ** 2;
    const nrm = Math.sqrt(s);
    for (let i = 0; i <= p; i++) G[i * L + c] = (G[i * L + c] as number) / nrm;
  }
  // g = [ℓ; 1]/‖[ℓ; 1]‖, orthogonal to every column of C.
  let s = 1;
  for (let j = 0; j < p; j++) s += (ell[j] as number) ** 2;
  const gNorm = Math.sqrt(s);
  for (let j = 0; j < p; j++) G[j * L + p] = (ell[j] as number) / gNorm;
  G[p * L + p] = 1 / gNorm;
  // pCoef = [v′_{l−1}, …, v′_{l−p}, y]·G: (l+1)×(p+1).
  for (let i = 0; i < L; i++) {
    for (let c = 0; c <= p; c++) {
      let a = (V[i * L + l] as number) * (G[p * L + c] as number);
      for (let j = 0; j < p; j++) a += (V[i * L + (l - 1 - j)] as number) * (G[j * L + c] as number);
      pCoef[i * L + c] = a;
    }
  }
  // The harmonic combinations have no p_{l+1} part: that entry is rounding, set to its exact 0.
  for (let c = 0; c < p; c++) pCoef[l * L + c] = 0;
  for (let i = 0; i < l; i++) for (let j = 0; j < p; j++) qCoef[i * L + j] = U[i * L + (l - 1 - j)] as number;
  // B̃ = Σ′ₚ·G[0:p, :].
  B.fill(0);
  for (let i = 0; i < p; i++) {
    const sg = sigma[l - 1 - i] as number;
    for (let c = i; c <= p; c++) B[i * l + c] = sg * (G[i * L + c] as number);
  }
  return true;
}
