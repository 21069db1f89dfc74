package io.calltrail.poollab;

import java.math.BigDecimal;

/** The few distributions the pool lab needs: the normal and Poisson distribution functions. */
final class Stats {
    private Stats() {
    }

    /** Standard normal distribution function (Abramowitz and Stegun 7.1.26 on erf; error below 1e-7). */
    static double normalCdf(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
                * Math.exp(-x * x);
        return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
    }

    /** ln Γ(x) for x above 0 (Lanczos, g = 7, 9 terms). */
    static double logGamma(double x) {
        double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
                -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        double z = x - 1;
        double sum = c[0];
        for (int i = 1; i < 9; i++) {
            sum += c[i] / (z + i);
        }
        double t = z + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
    }

    /** P(N ≤ k) for N Poisson with mean {@code mean}: the regularized upper incomplete gamma Q(k + 1, mean). */
    static double poissonCdf(int k, double mean) {
        if (k < 0) {
            return 0;
        }
        if (mean <= 0) {
            return 1;
        }
        double a = k + 1;
        if (mean < a + 1) {
            // series for the lower gamma P(a, x); Q = 1 - P
            double term = 1 / a;
            double sum = term;
            for (int n = 1; n < 100_000; n++) {
                term *= mean / (a + n);
                sum += term;
                if (term < sum * 1e-15) {
                    break;
                }
            }
            return 1 - sum * Math.exp(-mean + a * Math.log(mean) - logGamma(a));
        }
        // continued fraction for Q(a, x) (modified Lentz)
        double b = mean + 1 - a;
        double c = 1 / 1e-300;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i < 100_000; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            d = Math.abs(d) < 1e-300 ? 1e-300 : d;
            c = b + an / c;
            c = Math.abs(c) < 1e-300 ? 1e-300 : c;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < 1e-15) {
                break;
            }
        }
        return Math.exp(-mean + a * Math.log(mean) - logGamma(a)) * h;
    }

    /** The smallest k with P(N ≤ k) ≥ {@code level} for N Poisson with mean {@code mean}. */
    static int poissonQuantile(double mean, double level) {
        int low = 0;
        int high = (int) Math.ceil(mean + 10 * Math.sqrt(mean) + 10);
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (poissonCdf(middle, mean) >= level) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return low;
    }

    /** A number as written by hand: 3, 0.5, 1.25 (no trailing zeros). */
    static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
