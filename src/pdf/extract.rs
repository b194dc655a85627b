//! The text of a PDF as a text extractor reads it, page by page: what an applicant-tracking
//! system or a search engine gets from resume.pdf.

/// How much one page's content may decompress to: far above any resume's, far below what
/// would hurt.
const MAX_PAGE_BYTES: usize = 64 << 20;

/// The text of each page of `pdf`, in the order its content draws it; an error says why the
/// PDF could not be read.
pub fn pages(pdf: &[u8]) -> Result<Vec<String>, String> {
    // The extractor is made for PDFs from anywhere and could panic on one it does not expect;
    // gen's own PDF must never take the build down with it.
    std::panic::catch_unwind(|| {
        let document = lopdf::Document::load_mem(pdf).map_err(|e| e.to_string())?;
        document
            .get_pages()
            .into_keys()
            .map(|page| {
                document
                    .extract_text_with_limit(&[page], MAX_PAGE_BYTES)
                    .map_err(|e| format!("page {page}: {e}"))
            })
            .collect()
    })
    .map_err(|_| "the text extractor stopped on it".to_owned())?
}
