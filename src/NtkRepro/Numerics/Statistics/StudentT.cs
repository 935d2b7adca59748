namespace NtkRepro.Numerics.Statistics;

/// <summary>
/// Student's t distribution with ν degrees of freedom (ν &gt; 0, not necessarily an integer, as
/// Welch–Satterthwaite gives): the CDF through the regularized incomplete beta function, and its
/// inverse by bisection. Numerical Recipes §6.2/§6.4 (Lentz's continued fraction, Lanczos log Γ).
/// </summary>
public static class StudentT
{
    public static double Cdf(double t, double dof)
    {
        if (!(dof > 0)) throw new ArgumentOutOfRangeException(nameof(dof), dof, "degrees of freedom must be positive");
        if (double.IsPositiveInfinity(t)) return 1;
        if (double.IsNegativeInfinity(t)) return 0;
        double tail = 0.5 * RegularizedIncompleteBeta(dof / 2, 0.5, dof / (dof + t * t));
        return t >= 0 ? 1 - tail : tail;
    }

    /// <summary>The p-quantile: Cdf(Quantile(p, ν), ν) = p.</summary>
    public static double Quantile(double p, double dof)
    {
        if (!(p > 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "probability must lie in (0, 1)");
        if (p < 0.5) return -Quantile(1 - p, dof);
        double lo = 0, hi = 1;
        while (Cdf(hi, dof) < p) hi *= 2;
        for (int i = 0; i < 200 && hi - lo > 1e-12 * Math.Max(1, hi); i++)
        {
            double mid = (lo + hi) / 2;
            if (Cdf(mid, dof) < p) lo = mid; else hi = mid;
        }
        return (lo + hi) / 2;
    }

    /// <summary>I_x(a, b).</summary>
    public static double RegularizedIncompleteBeta(double a, double b, double x)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x));
        return x < (a + 1) / (a + b + 2)
            ? front * BetaContinuedFraction(a, b, x) / a
            : 1 - front * BetaContinuedFraction(b, a, 1 - x) / b;
    }

    private static double BetaContinuedFraction(double a, double b, double x)
    {
        const double tiny = 1e-300, eps = 1e-15;
        double qab = a + b, qap = a + 1, qam = a - 1;
        double c = 1, d = 1 - qab * x / qap;
        if (Math.Abs(d) < tiny) d = tiny;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 10000; m++)
        {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d; if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + aa / c; if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d; h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d; if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + aa / c; if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < eps) return h;
        }
        throw new ArithmeticException($"incomplete beta: continued fraction did not converge (a={a}, b={b}, x={x})");
    }

    /// <summary>log Γ(x) for x &gt; 0 (Lanczos, g = 7, 9 terms; relative error below 1e-14).</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        double[] g =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        x -= 1;
        double sum = g[0];
        for (int i = 1; i < g.Length; i++) sum += g[i] / (x + i);
        double t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
