package io.ascendant.billing.invoice;

import java.io.IOException;
import java.io.InputStream;
import org.jboss.logging.Logger;
import org.openpdf.text.Font;
import org.openpdf.text.Phrase;
import org.openpdf.text.pdf.BaseFont;
import org.openpdf.text.pdf.FontSelector;

/**
 * Fonts of invoice PDFs. Text is set in the font the caller chose (Helvetica, a PDF standard font that is not
 * embedded) wherever that font has the glyph (Latin-1 and the rest of WinAnsi); every other character (Chinese,
 * Japanese kana, Greek, Cyrillic, ...) falls back to Noto Sans SC, embedded as a subset of the glyphs used
 * ({@code Identity-H} with a ToUnicode map, so the text can be searched and extracted). The font file is put into
 * the jar by the build ({@code billing/src/build/fetch-cjk-font.sh}) and loaded once, on the first PDF that needs it
 * (about 10 MB read, then shared by all documents: OpenPDF tracks the used glyphs per document).
 *
 * <p>Limits: one weight (bold text outside Latin-1 is drawn with a simulated bold); scripts Noto Sans SC does not
 * cover (Hangul beyond its basic set, Arabic, Hebrew, Devanagari, Thai, emoji) still render as missing glyphs.
 */
final class InvoiceFonts {

    private static final Logger LOG = Logger.getLogger(InvoiceFonts.class);

    /** Class-path location of the fallback font, relative to this class. */
    static final String FALLBACK_RESOURCE = "fonts/NotoSansSC-Regular.ttf";

    private InvoiceFonts() {}

    private static final class Fallback {
        static final BaseFont FONT = load();

        private static BaseFont load() {
            try (InputStream in = InvoiceFonts.class.getResourceAsStream(FALLBACK_RESOURCE)) {
                if (in == null) {
                    LOG.errorf(
                            "invoice PDFs: %s is missing from the billing jar; text outside Latin-1 will not render",
                            FALLBACK_RESOURCE);
                    return null;
                }
                byte[] ttf = in.readAllBytes();
                return BaseFont.createFont(
                        "NotoSansSC-Regular.ttf", BaseFont.IDENTITY_H, BaseFont.EMBEDDED, true, ttf, null);
            } catch (IOException | RuntimeException e) {
                LOG.errorf(e, "invoice PDFs: %s could not be loaded", FALLBACK_RESOURCE);
                return null;
            }
        }
    }

    /** Whether the fallback font is available (it is in every jar the build produces). */
    static boolean fallbackAvailable() {
        return Fallback.FONT != null;
    }

    /** {@code text} as a phrase in {@code font}, with characters {@code font} lacks in the fallback font. */
    static Phrase phrase(String text, Font font) {
        if (text == null || text.isEmpty() || isAscii(text) || Fallback.FONT == null) {
            return new Phrase(text == null ? "" : text, font);
        }
        FontSelector selector = new FontSelector();
        selector.addFont(font);
        selector.addFont(new Font(Fallback.FONT, font.getSize(), font.getStyle(), font.getColor()));
        Phrase p = selector.process(text);
        p.setLeading(font.getSize() * 1.5f); // what new Phrase(text, font) would have
        return p;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
