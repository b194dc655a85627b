//! The text of a PDF as a text extractor reads it, page by page: what an applicant-tracking
//! system or a search engine gets from resume.pdf.

/// The text of each page of `pdf`, in the order its content draws it; an error says why the
/// PDF could not be read.
pub fn pages(pdf: &[u8]) -> Result<Vec<String>, String> {
    // The extractor is made for PDFs from anywhere and may panic on one it does not expect;
    // gen's own PDF must never take the build down with it.
    std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem_by_pages(pdf))
        .map_err(|_| "the text extractor stopped on it".to_owned())?
        .map_err(|e| e.to_string())
}
