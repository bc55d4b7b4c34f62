variable "region" {
  type    = string
  default = "eu-west-1"
}

locals {
  name        = "shop"
  environment = "staging"
}
