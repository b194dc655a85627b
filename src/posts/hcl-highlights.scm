; Highlights for HCL (Terraform), which its grammar crate does not ship.
(comment) @comment
(block (identifier) @keyword)
(attribute (identifier) @property)
(object_elem key: (expression (variable_expr (identifier) @property)))
(function_call (identifier) @function)
(get_attr (identifier) @property)
(string_lit) @string
(quoted_template) @string
(heredoc_template) @string
(heredoc_identifier) @string
(numeric_lit) @number
(bool_lit) @constant
(null_lit) @constant
["for" "in" "if" "else" "endif" "endfor"] @keyword
(variable_expr (identifier) @type)
