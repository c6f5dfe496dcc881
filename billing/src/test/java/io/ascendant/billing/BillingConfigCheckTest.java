package io.ascendant.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BillingConfigCheckTest {

    private static BillingConfig config(
            String currency, int batch, int queue, Duration linger, String prefix, String cnPrefix) {
        BillingConfig.Ledger ledger = new BillingConfig.Ledger() {
            public int maxBatchSize() {
                return batch;
            }

            public int queueCapacity() {
                return queue;
            }

            public boolean synchronousCommit() {
                return true;
            }

            public Duration recordTimeout() {
                return Duration.ofSeconds(30);
            }

            public int writers() {
                return 2;
            }

            public int maxAttempts() {
                return 5;
            }

            public Duration linger() {
                return linger;
            }
        };
        BillingConfig.PriceBook book = () -> Duration.ofSeconds(30);
        BillingConfig.Invoice invoice = new BillingConfig.Invoice() {
            public String issuerName() {
                return "A";
            }

            public String issuerAddress() {
                return "B";
            }

            public String issuerTaxId() {
                return "none";
            }

            public int paymentTermDays() {
                return 30;
            }

            public String numberPrefix() {
                return prefix;
            }

            public String creditNotePrefix() {
                return cnPrefix;
            }

            public int lateUsageLookbackMonths() {
                return 3;
            }

            public String draftCron() {
                return "0 15 * * * ?";
            }
        };
        return new BillingConfig() {
            public String defaultCurrency() {
                return currency;
            }

            public Ledger ledger() {
                return ledger;
            }

            public PriceBook priceBook() {
                return book;
            }

            public Invoice invoice() {
                return invoice;
            }
        };
    }

    @Test
    void defaultsAreValid() {
        assertThat(BillingConfigCheck.problems(config("USD", 2000, 100_000, Duration.ofMillis(5), "INV", "CN")))
                .isEmpty();
    }

    @Test
    void namesEveryBadKeyWithItsValue() {
        assertThat(BillingConfigCheck.problems(config("XAU", 0, -1, Duration.ofSeconds(2), "inv", "inv")))
                .anySatisfy(p -> assertThat(p).startsWith("billing.default-currency=XAU"))
                .anySatisfy(p -> assertThat(p).startsWith("billing.ledger.max-batch-size=0"))
                .anySatisfy(p -> assertThat(p).startsWith("billing.ledger.queue-capacity=-1"))
                .anySatisfy(p -> assertThat(p).startsWith("billing.ledger.linger=PT2S must be 0..1s"))
                .anySatisfy(p -> assertThat(p).startsWith("billing.invoice.number-prefix=inv"))
                .anySatisfy(p -> assertThat(p).contains("must differ"));
    }
}
